import "server-only";
import { roomChannel } from "@/server/integrations/pusher";
import type { OutboxMessage, RealtimeData } from "@/server/outbox/messages";

/**
 * The realtime events of a room's presence channel (`presence-room-<performerId>`), built in one place: each is
 * written to the outbox in the transaction of the change it tells, and the worker's relay delivers it.
 */

/** Events on `presence-room-<performerId>`. */
export const ROOM_CHAT_MESSAGE = "chat.message";
export const ROOM_STATUS = "room.status";
export const ROOM_TIP = "room.tip";
export const ROOM_MEMBER_REMOVED = "member.removed";
export const ROOM_MEMBER_MUTED = "member.muted";

export interface ChatMessagePayload {
  id: string;
  senderId: string;
  senderName: string;
  fromPerformer: boolean;
  body: string;
  at: string;
}

export interface RoomStatusPayload {
  online: boolean;
}

export interface RoomTipPayload {
  fromDisplayName: string;
  amount: string;
  message: string | null;
  at: string;
}

export interface MemberRemovedPayload {
  memberId: string;
}

export interface MemberMutedPayload {
  memberId: string;
  muted: boolean;
}

/** An event to everyone in the performer's room. */
function toRoom(key: string, performerId: string, event: string, data: RealtimeData): OutboxMessage {
  return { key, kind: "realtime", channels: [roomChannel(performerId)], event, data };
}

/** The room opened or closed; `tag` names the transaction (transactionTag). */
export function roomStatusMessage(performerId: string, tag: string, online: boolean): OutboxMessage {
  const payload: RoomStatusPayload = { online };
  return toRoom(`room:${performerId}:status:${tag}`, performerId, ROOM_STATUS, { ...payload });
}

export function chatMessageMessage(performerId: string, payload: ChatMessagePayload): OutboxMessage {
  return toRoom(`room-message:${payload.id}`, performerId, ROOM_CHAT_MESSAGE, { ...payload });
}

/** A moderation the room hears of (removal or muting), keyed by its audit row. */
export function moderationMessage(performerId: string, auditId: bigint, action: "mute" | "unmute" | "remove", memberId: string): OutboxMessage {
  const key = `room-moderation:${auditId}`;
  if (action === "remove") {
    const payload: MemberRemovedPayload = { memberId };
    return toRoom(key, performerId, ROOM_MEMBER_REMOVED, { ...payload });
  }
  const payload: MemberMutedPayload = { memberId, muted: action === "mute" };
  return toRoom(key, performerId, ROOM_MEMBER_MUTED, { ...payload });
}
