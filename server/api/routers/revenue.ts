import "server-only";
import { createTRPCRouter, memberProcedure } from "@/server/api/trpc";
import { earningsOwnerFor } from "@/server/services/earnings";
import { revenueFilterSchema, revenueSales, revenueSalesSchema, revenueSummary } from "@/server/services/revenue";

/** A performer reads their own business revenue; an admin any performer's by passing performerId; members nothing. */
export const revenueRouter = createTRPCRouter({
  summary: memberProcedure
    .input(revenueFilterSchema)
    .query(async ({ ctx, input }) => revenueSummary(await earningsOwnerFor(ctx.user, input.performerId), input)),

  sales: memberProcedure
    .input(revenueSalesSchema)
    .query(async ({ ctx, input }) => revenueSales(await earningsOwnerFor(ctx.user, input.performerId), input)),
});
