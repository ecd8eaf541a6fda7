import "server-only";
import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { Role, TransactionKind, UserStatus } from "@/server/generated/prisma/enums";
import { storableBigint, storableDate } from "@/server/domain/storable";
import { USER_SORTS } from "@/server/domain/user-sorts";
import { adjustBalanceInputSchema } from "@/server/domain/balance-adjustments";
import { adjustBalance, adminUserDetails, books, booksCurrencies, currencyBooks, exploreLedger, usersWithBalances } from "@/server/services/books";
import { packageInputSchema, updatePackageSchema } from "@/server/domain/packages";
import { allPackages, cardSalesByCurrency, createPackage, updatePackage } from "@/server/services/purchases";

const currencyCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2,8}$/, "Choose a currency.");

/** Admin money tools: balances, adjustments, the ledger explorer, credit packages and the books. */
export const ledgerRouter = createTRPCRouter({
  users: adminProcedure
    .input(
      z.object({
        search: z.string().max(100).optional(),
        role: z.enum(Role).optional(),
        status: z.enum(UserStatus).optional(),
        sort: z.enum(USER_SORTS).default("createdAt"),
        direction: z.enum(["asc", "desc"]).default("desc"),
        page: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(5).max(100).default(20),
      }),
    )
    .query(({ input }) => usersWithBalances(input)),

  /** One user for the admin's user page: the users table's balances for them, with open withdrawals and card tabs. */
  user: adminProcedure.input(z.object({ userId: z.uuid() })).query(({ input }) => adminUserDetails(input.userId)),

  adjust: adminProcedure
    .input(adjustBalanceInputSchema)
    .mutation(({ ctx, input }) => adjustBalance({ adminId: ctx.user.id, ...input })),

  explore: adminProcedure
    .input(
      z.object({
        userId: z.uuid().optional(),
        kind: z.enum(TransactionKind).optional(),
        currency: currencyCode.optional(),
        from: storableDate().optional(),
        to: storableDate().optional(),
        cursor: storableBigint(z.bigint().positive()).optional(),
        limit: z.number().int().min(1).max(100).default(25),
      }),
    )
    .query(({ input }) => exploreLedger(input)),

  books: adminProcedure.query(() => books()),

  cardSales: adminProcedure.query(() => cardSalesByCurrency()),

  currencies: adminProcedure.query(() => booksCurrencies()),

  /** One currency's totals by kind of account: amounts of two currencies are never added together. */
  currencyBooks: adminProcedure.input(z.object({ currency: currencyCode })).query(({ input }) => currencyBooks(input.currency)),

  packages: adminProcedure.query(() => allPackages()),

  createPackage: adminProcedure.input(packageInputSchema).mutation(({ ctx, input }) => createPackage(ctx.user.id, input)),

  updatePackage: adminProcedure
    .input(updatePackageSchema)
    .mutation(({ ctx, input: { id, ...fields } }) => updatePackage(ctx.user.id, id, fields)),
});
