import "server-only";
import { claimedProcedure, createTRPCRouter, performerProcedure } from "@/server/api/trpc";
import { recentTipsFor, sendTipAsSession, sendTipSchema } from "@/server/services/tips";

export const tipsRouter = createTRPCRouter({
  /** Any signed-in member; the tip's one statement checks the session itself (sendTipAsSession). */
  send: claimedProcedure.input(sendTipSchema).mutation(({ ctx, input }) => sendTipAsSession(ctx.claim, input)),

  received: performerProcedure.query(({ ctx }) => recentTipsFor(ctx.user.id)),
});
