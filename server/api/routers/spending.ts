import "server-only";
import { createTRPCRouter, memberProcedure } from "@/server/api/trpc";
import { spendingWallets, spendingWalletsSchema } from "@/server/services/wallet";

/** What the signed-in member can pay with: the pay dialogs' wallet picker. */
export const spendingRouter = createTRPCRouter({
  wallets: memberProcedure.input(spendingWalletsSchema).query(({ ctx, input }) => spendingWallets(ctx.user.id, input.purpose, input.performerId)),
});
