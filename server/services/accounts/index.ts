import "server-only";

/**
 * Accounts: sign-up, email confirmation, sign-in checks, performer applications, the admin's users. Every use case
 * takes the acting user (already checked against the database by the caller's session) and checks its own
 * permissions, so a route that forgets a guard still can't do an admin's work. Refusals are DomainErrors; every
 * admin action writes an audit_log row in the same transaction as its effect.
 */
export { type Announce, type PublicUser, SYSTEM_ACTOR, type UserActor } from "./actors";
export { type AdminOverview, type SuspendUserInput, getAdminOverview, reactivateUser, reactivateUserSchema, suspendUser, suspendUserSchema } from "./admin-users";
export {
  type ApplicationListItem,
  type ReviewApplicationInput,
  applyAsPerformer,
  listApplications,
  reviewApplication,
  reviewApplicationSchema,
} from "./applications";
export * from "./email-confirmation";
export { type AccountDetails, type PublicPerformer, getAccount, getPublicPerformer, listApprovedPerformers, updatePerformerProfile } from "./profiles";
export { createAdmin, createMember, signUpVisitor } from "./sign-up";
