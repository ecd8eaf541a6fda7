import "server-only";

/** A member's wallet: balances, history and transfers between members. */
export * from "./transfers";
export * from "./wallet";
