import "server-only";

/** Paid content: posts, files, unlocks and who may see them. */
export * from "./content";
