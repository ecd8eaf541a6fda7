import "server-only";

/**
 * Memberships: site plans (no performer; all revenue to the site) and performers' fan clubs. A member pays each
 * period from their wallet; the `memberships.renew` job renews, puts in grace and ends them (renewDueMemberships).
 * The rules are pure, in server/domain/memberships.ts; these files load, lock, post and persist.
 */
export {
  type OfferedPlan,
  type PlanInput,
  type PlanOwner,
  type PlanView,
  type UpdatePlanInput,
  createPlan,
  offeredPlans,
  planInputSchema,
  plansOwnedBy,
  updatePlan,
  updatePlanSchema,
} from "./plans";
export { membershipChargeAnnouncements } from "./charges";
export { type RenewalRun, renewDueMemberships } from "./renewals";
export {
  type MembershipView,
  type SubscribeInput,
  type SubscribeResult,
  cancelMembership,
  membershipIdSchema,
  membershipsOf,
  resumeMembership,
  subscribe,
  subscribeAsSession,
  subscribeSchema,
} from "./subscriptions";
