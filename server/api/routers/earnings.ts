import "server-only";
import { z } from "zod";
import { createTRPCRouter, memberProcedure } from "@/server/api/trpc";
import {
  earningsOverview,
  earningsOverviewSchema,
  earningsOwnerFor,
  maturingEarnings,
  recentEarnings,
  recentEarningsSchema,
} from "@/server/services/earnings";

/** Performers read their own earnings; an admin reads any performer's by passing performerId. */
export const earningsRouter = createTRPCRouter({
  overview: memberProcedure
    .input(earningsOverviewSchema)
    .query(async ({ ctx, input }) => earningsOverview(await earningsOwnerFor(ctx.user, input.performerId), input.granularity)),

  recent: memberProcedure
    .input(recentEarningsSchema)
    .query(async ({ ctx, input }) => recentEarnings(await earningsOwnerFor(ctx.user, input.performerId), input.limit)),

  maturing: memberProcedure
    .input(z.object({ performerId: z.uuid().optional() }))
    .query(async ({ ctx, input }) => maturingEarnings(await earningsOwnerFor(ctx.user, input.performerId))),
});
