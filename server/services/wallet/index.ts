import "server-only";

/** A member's wallets: their types and rules, balances, history, moves between wallets and transfers between members. */
export * from "./exchange";
export * from "./exchange-rates";
export * from "./moves";
export * from "./spending";
export * from "./preferences";
export * from "./top-ups";
export * from "./transfers";
export * from "./wallet";
export * from "./wallet-types";
