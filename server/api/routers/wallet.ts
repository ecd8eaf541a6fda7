import "server-only";
import { z } from "zod";
import { createTRPCRouter, memberProcedure, publicProcedure } from "@/server/api/trpc";
import { storableBigint, storableDate } from "@/server/domain/storable";
import { TransactionKind } from "@/server/generated/prisma/enums";
import { activePackages, purchaseForMember, purchaseHistoryOf, startCheckout } from "@/server/services/purchases";
import { balancesOf, historyOf, walletsOf } from "@/server/services/wallet";

export const historyInput = z.object({
  kind: z.enum(TransactionKind).optional(),
  from: storableDate().optional(),
  to: storableDate().optional(),
  cursor: storableBigint(z.bigint().positive()).optional(),
  /** A wallet type id: that wallet's lines only. */
  wallet: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const walletRouter = createTRPCRouter({
  balances: memberProcedure.query(({ ctx }) => balancesOf(ctx.user.id)),

  /** The signed-in user's own wallets with their uses in words; nobody else's can be named. */
  wallets: memberProcedure.query(({ ctx }) => walletsOf(ctx.user)),

  history: memberProcedure
    .input(historyInput)
    .query(({ ctx, input: { wallet, ...filter } }) => historyOf(ctx.user.id, { ...filter, walletTypeId: wallet })),

  packages: publicProcedure.query(() => activePackages()),

  startCheckout: memberProcedure
    .input(z.object({ packageId: z.uuid(), idempotencyKey: z.uuid() }))
    .mutation(({ ctx, input }) => startCheckout({ userId: ctx.user.id, ...input })),

  purchases: memberProcedure.query(({ ctx }) => purchaseHistoryOf(ctx.user.id)),

  purchase: memberProcedure
    .input(z.object({ purchaseId: z.uuid() }))
    .query(({ ctx, input }) => purchaseForMember(ctx.user.id, input.purchaseId)),
});
