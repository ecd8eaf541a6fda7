import "server-only";

/** The wallet.updated payload, read at delivery; every event's name, channels and payload: server/domain/realtime-events.ts. */
export * from "./events";
