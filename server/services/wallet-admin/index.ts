import "server-only";

/** The admin's wallet types and currencies. */
export * from "./manage";
