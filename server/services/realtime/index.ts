import "server-only";

/** Realtime event names and payloads published to live rooms and private channels. */
export * from "./events";
