import { z } from "zod";
import type { RealtimeHandlers } from "@/components/realtime/bind-realtime";

const roomRoleSchema = z.enum(["MEMBER", "PERFORMER", "ADMIN"]);

/** Presence member info as the auth endpoint signs it (server/services/rooms/rooms.ts roomPresenceFor). */
const presenceMemberSchema = z.object({ id: z.string(), info: z.object({ name: z.string(), role: roomRoleSchema }) });

export interface RoomChatMessage {
  id: bigint;
  senderId: string;
  senderName: string;
  fromPerformer: boolean;
  body: string;
  at: Date;
}
export interface RoomTip {
  fromDisplayName: string;
  amount: bigint;
  message: string | null;
  at: Date;
}
export type RoomMember = { id: string; name: string; role: z.output<typeof roomRoleSchema> };

/** What happened in the room, from one event on its channel. */
export type RoomEvent =
  | { type: "chat"; message: RoomChatMessage }
  | { type: "status"; online: boolean }
  | { type: "tip"; tip: RoomTip }
  | { type: "removed"; memberId: string }
  | { type: "muted"; memberId: string; muted: boolean };

/** Handlers for the room channel's events, each telling `onRoomEvent` what happened, with ids, amounts and instants typed. */
export function roomEventHandlers(onRoomEvent: (event: RoomEvent) => void): RealtimeHandlers {
  return {
    "chat.message": (message) => onRoomEvent({ type: "chat", message: { ...message, id: BigInt(message.id), at: new Date(message.at) } }),
    "room.status": ({ online }) => onRoomEvent({ type: "status", online }),
    "room.tip": (tip) => onRoomEvent({ type: "tip", tip: { ...tip, amount: BigInt(tip.amount), at: new Date(tip.at) } }),
    "member.removed": ({ memberId }) => onRoomEvent({ type: "removed", memberId }),
    "member.muted": ({ memberId, muted }) => onRoomEvent({ type: "muted", memberId, muted }),
  };
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
