import "server-only";

/** Live rooms: settings, access, presence, bans and discovery. */
export * from "./discover";
export * from "./room-access";
export * from "./rooms";
