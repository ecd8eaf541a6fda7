import "server-only";
import {
  type ChatMessagePayload,
  type MemberMutedPayload,
  type MemberRemovedPayload,
  type RoomStatusPayload,
  roomChannel,
} from "@/server/domain/realtime-events";
import type { OutboxMessage } from "@/server/outbox/messages";
import { realtimeEvent } from "@/server/outbox/realtime";

/**
 * The realtime events of a room's presence channel (`presence-room-<performerId>`), built in one place: each is
 * written to the outbox in the transaction of the change it tells, and the worker's relay delivers it. Names and
 * payloads are the catalogue's (server/domain/realtime-events.ts).
 */

/** The room opened or closed; `tag` names the transaction (transactionTag). */
export function roomStatusMessage(performerId: string, tag: string, online: boolean): OutboxMessage {
  const payload: RoomStatusPayload = { online };
  return realtimeEvent(`room:${performerId}:status:${tag}`, roomChannel(performerId), "room.status", payload);
}

export function chatMessageMessage(performerId: string, payload: ChatMessagePayload): OutboxMessage {
  return realtimeEvent(`room-message:${payload.id}`, roomChannel(performerId), "chat.message", payload);
}

/** A moderation the room hears of (removal or muting), keyed by its audit row. */
export function moderationMessage(performerId: string, auditId: bigint, action: "mute" | "unmute" | "remove", memberId: string): OutboxMessage {
  const key = `room-moderation:${auditId}`;
  if (action === "remove") {
    const payload: MemberRemovedPayload = { memberId };
    return realtimeEvent(key, roomChannel(performerId), "member.removed", payload);
  }
  const payload: MemberMutedPayload = { memberId, muted: action === "mute" };
  return realtimeEvent(key, roomChannel(performerId), "member.muted", payload);
}
