import "server-only";

/** The admin's books: ledger explorer, balances and adjustments. */
export * from "./ledger-admin";
