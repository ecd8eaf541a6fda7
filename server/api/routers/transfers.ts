import "server-only";
import { createTRPCRouter, memberProcedure } from "@/server/api/trpc";
import { previewTransferSchema, sendTransferSchema } from "@/server/domain/transfers";
import { previewTransfer, sendTransfer, transferTermsFor } from "@/server/services/wallet";

/** The sender is always the signed-in user; the input names only the recipient. */
export const transfersRouter = createTRPCRouter({
  terms: memberProcedure.query(({ ctx }) => transferTermsFor(ctx.user.id)),

  /** A quote that changes nothing; a mutation because its bigint amount can't be part of a query cache key. */
  preview: memberProcedure.input(previewTransferSchema).mutation(({ ctx, input }) => previewTransfer(ctx.user.id, input)),

  send: memberProcedure.input(sendTransferSchema).mutation(({ ctx, input }) => sendTransfer(ctx.user.id, input)),
});
