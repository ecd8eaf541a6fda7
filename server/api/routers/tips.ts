import "server-only";
import { createTRPCRouter, memberProcedure, performerProcedure } from "@/server/api/trpc";
import { recentTipsFor, sendTip, sendTipSchema } from "@/server/services/tips";

export const tipsRouter = createTRPCRouter({
  send: memberProcedure.input(sendTipSchema).mutation(({ ctx, input }) => sendTip(ctx.user.id, input)),

  received: performerProcedure.query(({ ctx }) => recentTipsFor(ctx.user.id)),
});
