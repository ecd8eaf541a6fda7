import "server-only";

/** The sale posting every paid thing goes through: the commission schedule, the split, the earnings lot. */
export * from "./commissions";
export * from "./sales";
