import "server-only";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import {
  createCurrencySchema,
  createWalletTypeSchema,
  setCurrencyActiveSchema,
  setWalletTypeActiveSchema,
  updateWalletTypeSchema,
} from "@/server/domain/wallet-admin";
import {
  adminCurrencies,
  adminWalletTypes,
  createCurrency,
  createWalletType,
  setCurrencyActive,
  setWalletTypeActive,
  updateWalletType,
} from "@/server/services/wallet-admin";

/** The admin's wallet types (rules, activation) and currencies. Admins only. */
export const adminWalletsRouter = createTRPCRouter({
  types: adminProcedure.query(() => adminWalletTypes()),
  createType: adminProcedure.input(createWalletTypeSchema).mutation(({ ctx, input }) => createWalletType(ctx.user.id, input)),
  updateType: adminProcedure.input(updateWalletTypeSchema).mutation(({ ctx, input }) => updateWalletType(ctx.user.id, input)),
  setTypeActive: adminProcedure.input(setWalletTypeActiveSchema).mutation(({ ctx, input }) => setWalletTypeActive(ctx.user.id, input)),
  currencies: adminProcedure.query(() => adminCurrencies()),
  createCurrency: adminProcedure.input(createCurrencySchema).mutation(({ ctx, input }) => createCurrency(ctx.user.id, input)),
  setCurrencyActive: adminProcedure.input(setCurrencyActiveSchema).mutation(({ ctx, input }) => setCurrencyActive(ctx.user.id, input)),
});
