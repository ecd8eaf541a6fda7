import "server-only";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { listCommissionSchedule, setCommissionRate, setCommissionRateSchema } from "@/server/services/sales";

export const commissionsRouter = createTRPCRouter({
  list: adminProcedure.query(() => listCommissionSchedule()),

  set: adminProcedure.input(setCommissionRateSchema).mutation(({ ctx, input }) => setCommissionRate(ctx.user.id, input)),
});
