import "server-only";

/** Private and group shows: planning, the per-minute meter, history and notices. */
export * from "./metering";
export * from "./shows";
