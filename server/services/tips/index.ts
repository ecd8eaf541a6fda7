import "server-only";

/** Tips in live rooms. */
export * from "./tips";
