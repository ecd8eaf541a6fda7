import "server-only";
import { z } from "zod";
import { adminProcedure, claimedProcedure, createTRPCRouter, memberProcedure, performerProcedure, publicProcedure } from "@/server/api/trpc";
import {
  cancelMembership,
  createPlan,
  membershipIdSchema,
  membershipsOf,
  offeredPlans,
  planInputSchema,
  plansOwnedBy,
  resumeMembership,
  subscribeAsSession,
  subscribeSchema,
  updatePlan,
  updatePlanSchema,
} from "@/server/services/memberships";

/**
 * Fan clubs are the performer's own (the owner is always the signed-in performer); site plans are the admins'.
 * Neither input carries an owner id to point elsewhere.
 */
export const membershipsRouter = createTRPCRouter({
  performerPlans: publicProcedure
    .input(z.object({ username: z.string().trim().min(1).max(64) }))
    .query(({ ctx, input }) => offeredPlans({ performerUsername: input.username }, ctx.user?.id ?? null)),

  sitePlans: publicProcedure.query(({ ctx }) => offeredPlans({ site: true }, ctx.user?.id ?? null)),

  /** Any signed-in member; the join's one statement checks the session itself (subscribeAsSession). */
  subscribe: claimedProcedure.input(subscribeSchema).mutation(({ ctx, input }) => subscribeAsSession(ctx.claim, input)),

  mine: memberProcedure.query(({ ctx }) => membershipsOf(ctx.user.id)),

  cancel: memberProcedure.input(membershipIdSchema).mutation(({ ctx, input }) => cancelMembership(ctx.user.id, input.membershipId)),

  resume: memberProcedure.input(membershipIdSchema).mutation(({ ctx, input }) => resumeMembership(ctx.user.id, input.membershipId)),

  myPlans: performerProcedure.query(({ ctx }) => plansOwnedBy({ kind: "performer", performerId: ctx.user.id })),

  createPlan: performerProcedure
    .input(planInputSchema)
    .mutation(({ ctx, input }) => createPlan({ kind: "performer", performerId: ctx.user.id }, input)),

  updatePlan: performerProcedure
    .input(updatePlanSchema)
    .mutation(({ ctx, input }) => updatePlan({ kind: "performer", performerId: ctx.user.id }, input)),

  siteAdmin: createTRPCRouter({
    plans: adminProcedure.query(({ ctx }) => plansOwnedBy({ kind: "site", adminId: ctx.user.id })),

    createPlan: adminProcedure.input(planInputSchema).mutation(({ ctx, input }) => createPlan({ kind: "site", adminId: ctx.user.id }, input)),

    updatePlan: adminProcedure.input(updatePlanSchema).mutation(({ ctx, input }) => updatePlan({ kind: "site", adminId: ctx.user.id }, input)),
  }),
});
