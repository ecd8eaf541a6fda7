import "server-only";

/** Withdrawals: payout profiles and methods, requests, the admin's review queue, exports and Stripe payouts. */
export * from "./exports";
export * from "./profiles";
export * from "./settings";
export * from "./withdrawal-review";
export * from "./withdrawals";
