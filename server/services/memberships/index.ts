import "server-only";

/** Membership plans and subscriptions: sign-up, renewals, cancellation, and the access they grant. */
export * from "./memberships";
