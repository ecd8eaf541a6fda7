import "server-only";

/** Performer earnings: pending lots, maturity after the hold, and the performer's statement. */
export * from "./earnings";
