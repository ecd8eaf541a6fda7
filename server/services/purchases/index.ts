import "server-only";

/** Buying credits: packages, checkout, the payment webhooks, refunds and disputes. */
export * from "./credit-purchases";
export * from "./history";
export * from "./packages";
export * from "./webhooks";
