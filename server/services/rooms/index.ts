import "server-only";

/**
 * Live rooms: settings, access, presence, chat, bans and discovery. Files: rooms.ts (the room page, presence,
 * online), room-settings.ts, chat.ts, moderation.ts (mutes and removals), room-access.ts (who may enter, on what
 * terms; shared with shows), discover.ts, notices.ts (the room channel's events), queries.ts (the SQL).
 */
export { type RoomActor, type RoomTerms, canEnterRoom, loadRoomTerms, roomSchema } from "./room-access";
export * from "./rooms";
export * from "./room-settings";
export * from "./chat";
export * from "./moderation";
export * from "./discover";
export * from "./notices";
