import "server-only";

/** The admin's books: ledger explorer, balances and adjustments. */
export * from "./ledger-admin";
export * from "./currency-books";
export * from "./ledger-export";
