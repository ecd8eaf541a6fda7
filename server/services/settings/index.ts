import "server-only";

/** Admin settings: typed values with defaults, read by every capability. */
export * from "./settings";
