import "server-only";

/** A performer's business revenue: every sale with its fees and net, totals by day and month, the CSV, processor fees. */
export * from "./revenue";
