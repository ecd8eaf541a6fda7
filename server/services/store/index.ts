import "server-only";

/** The store: items, checkout by wallet and card, orders and their lifecycle. */
export * from "./checkout";
export * from "./items";
export * from "./orders";
