import { z } from "zod";
import type {
  ROOM_CHAT_MESSAGE,
  ROOM_MEMBER_MUTED,
  ROOM_MEMBER_REMOVED,
  ROOM_STATUS,
  ROOM_TIP,
} from "@/server/services/rooms";

/** The server's event names, checked against its constants at compile time without bundling server code. */
export const CHAT_MESSAGE_EVENT: typeof ROOM_CHAT_MESSAGE = "chat.message";
export const ROOM_STATUS_EVENT: typeof ROOM_STATUS = "room.status";
export const ROOM_TIP_EVENT: typeof ROOM_TIP = "room.tip";
export const MEMBER_REMOVED_EVENT: typeof ROOM_MEMBER_REMOVED = "member.removed";
export const MEMBER_MUTED_EVENT: typeof ROOM_MEMBER_MUTED = "member.muted";

const credits = z
  .string()
  .regex(/^\d+$/)
  .transform((value) => BigInt(value));
const instant = z.iso.datetime().transform((value) => new Date(value));

const chatMessageSchema = z.object({
  id: z
    .string()
    .regex(/^\d+$/)
    .transform((value) => BigInt(value)),
  senderId: z.string(),
  senderName: z.string(),
  fromPerformer: z.boolean(),
  body: z.string(),
  at: instant,
});

const roomTipSchema = z.object({ fromDisplayName: z.string(), amount: credits, message: z.string().nullable(), at: instant });

const roomRoleSchema = z.enum(["MEMBER", "PERFORMER", "ADMIN"]);

/** Presence member info as the auth endpoint signs it (server/services/rooms/rooms.ts roomPresenceFor). */
const presenceMemberSchema = z.object({ id: z.string(), info: z.object({ name: z.string(), role: roomRoleSchema }) });

export type RoomChatMessage = z.output<typeof chatMessageSchema>;
export type RoomTip = z.output<typeof roomTipSchema>;
export type RoomMember = { id: string; name: string; role: z.output<typeof roomRoleSchema> };

/** What happened in the room, from one event on its channel; null for anything else or a malformed payload. */
export type RoomEvent =
  | { type: "chat"; message: RoomChatMessage }
  | { type: "status"; online: boolean }
  | { type: "tip"; tip: RoomTip }
  | { type: "removed"; memberId: string }
  | { type: "muted"; memberId: string; muted: boolean };

export function roomEventFrom(event: string, data: unknown): RoomEvent | null {
  switch (event) {
    case CHAT_MESSAGE_EVENT: {
      const parsed = chatMessageSchema.safeParse(data);
      return parsed.success ? { type: "chat", message: parsed.data } : null;
    }
    case ROOM_STATUS_EVENT: {
      const parsed = z.object({ online: z.boolean() }).safeParse(data);
      return parsed.success ? { type: "status", online: parsed.data.online } : null;
    }
    case ROOM_TIP_EVENT: {
      const parsed = roomTipSchema.safeParse(data);
      return parsed.success ? { type: "tip", tip: parsed.data } : null;
    }
    case MEMBER_REMOVED_EVENT: {
      const parsed = z.object({ memberId: z.string() }).safeParse(data);
      return parsed.success ? { type: "removed", memberId: parsed.data.memberId } : null;
    }
    case MEMBER_MUTED_EVENT: {
      const parsed = z.object({ memberId: z.string(), muted: z.boolean() }).safeParse(data);
      return parsed.success ? { type: "muted", ...parsed.data } : null;
    }
    default:
      return null;
  }
}

/** A presence member from pusher-js (`{ id, info }`), or null when its info is not what the room signs. */
export function roomMemberFrom(member: unknown): RoomMember | null {
  const parsed = presenceMemberSchema.safeParse(member);
  return parsed.success ? { id: parsed.data.id, name: parsed.data.info.name, role: parsed.data.info.role } : null;
}

/** Performer first, then admins, then everyone else by name, so the list doesn't jump around as people come and go. */
export function sortRoomMembers(members: Iterable<RoomMember>, performerId: string): RoomMember[] {
  const rank = (member: RoomMember) => (member.id === performerId ? 0 : member.role === "ADMIN" ? 1 : 2);
  return [...members].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Adds live messages to the loaded ones without duplicates (a message can arrive both ways), oldest first, capped. */
export function mergeChatMessages<Message extends { id: bigint }>(current: readonly Message[], incoming: readonly Message[], keep: number): Message[] {
  const byId = new Map<bigint, Message>();
  for (const message of [...current, ...incoming]) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(-keep);
}
