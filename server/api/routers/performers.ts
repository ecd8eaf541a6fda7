import "server-only";
import { z } from "zod";
import { createTRPCRouter, memberProcedure, performerProcedure, publicProcedure } from "@/server/api/trpc";
import { performerApplicationSchema } from "@/server/domain/user-rules";
import { discover, discoverSchema } from "@/server/services/rooms";
import {
  applyAsPerformer,
  getPublicPerformer,
  listApprovedPerformers,
  updatePerformerProfile,
} from "@/server/services/accounts";

export const performersRouter = createTRPCRouter({
  list: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(24) }).default({ limit: 24 }))
    .query(({ input }) => listApprovedPerformers(input.limit)),

  /** The Discover page: live rooms and a page of the performer directory. */
  discover: publicProcedure.input(discoverSchema).query(({ input }) => discover(input)),

  byUsername: publicProcedure
    .input(z.object({ username: z.string().trim().min(1).max(24) }))
    .query(({ input }) => getPublicPerformer(input.username)),

  /** The applicant is always the signed-in user; the input has no user id to point elsewhere. */
  submitApplication: memberProcedure.input(performerApplicationSchema).mutation(async ({ ctx, input }) => {
    await applyAsPerformer(ctx.user, input);
  }),

  updateMyProfile: performerProcedure.input(performerApplicationSchema).mutation(async ({ ctx, input }) => {
    await updatePerformerProfile(ctx.user, input);
  }),
});
