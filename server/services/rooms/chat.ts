import "server-only";
import type { z } from "zod";
import { consumeRateLimit } from "@/server/auth/rate-limiter";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { CHAT_RATE_LIMIT, RECENT_MESSAGES_LIMIT, chatMessageSchema } from "@/server/domain/rooms";
import { enqueue } from "@/server/outbox/messages";
import { activeRestrictions } from "./moderation";
import { chatMessageMessage } from "./notices";
import { type ChatMessageRow, insertChatMessage, selectLatestChatMessages } from "./queries";
import { type RoomActor, canEnterRoom, roomSchema } from "./room-access";

/** A room's chat: the latest lines for those who may be in the room, and sending one (muted members can't). */

export interface ChatMessage {
  id: bigint;
  senderId: string;
  senderName: string;
  fromPerformer: boolean;
  body: string;
  at: Date;
}

function chatMessageFrom(row: ChatMessageRow): ChatMessage {
  return { id: BigInt(row.id), senderId: row.sender_id, senderName: row.sender_name, fromPerformer: row.from_performer, body: row.body, at: row.created_at };
}

async function requireEntry(db: Queryable, performerId: string, userId: string): Promise<void> {
  const entry = await canEnterRoom(db, performerId, userId);
  if (!entry.ok) throw new DomainError("FORBIDDEN", entry.reason);
}

/** The room's latest chat, oldest first, for those who may be in the room. */
export async function recentMessages(viewer: RoomActor, input: z.input<typeof roomSchema>): Promise<ChatMessage[]> {
  const { performerId } = roomSchema.parse(input);
  await requireEntry(pool, performerId, viewer.id);
  const rows = await selectLatestChatMessages(pool, performerId, RECENT_MESSAGES_LIMIT);
  return rows.reverse().map(chatMessageFrom);
}

export const sendMessageSchema = roomSchema.extend({ body: chatMessageSchema });

/** A chat line from someone who may be in the room and is not muted, within the per-member rate limit. */
export async function sendRoomMessage(sender: RoomActor, input: z.input<typeof sendMessageSchema>): Promise<ChatMessage> {
  const { performerId, body } = sendMessageSchema.parse(input);
  await requireEntry(pool, performerId, sender.id);
  if ((await activeRestrictions(performerId, sender.id)).muted) {
    throw new DomainError("FORBIDDEN", "You're muted in this room: your messages aren't sent.");
  }
  const limit = await consumeRateLimit(`room-chat:${sender.id}`, CHAT_RATE_LIMIT);
  if (!limit.allowed) {
    throw new DomainError("RATE_LIMITED", `You're sending messages too fast. Try again in ${limit.retryAfterSeconds} s.`);
  }
  return withTransaction(pool, async (db) => {
    const row = await insertChatMessage(db, performerId, sender.id, body);
    if (!row) throw new Error("chat message not stored");
    const message = chatMessageFrom(row);
    await enqueue(db, [
      chatMessageMessage(performerId, {
        id: message.id.toString(),
        senderId: message.senderId,
        senderName: message.senderName,
        fromPerformer: message.fromPerformer,
        body: message.body,
        at: message.at.toISOString(),
      }),
    ]);
    return message;
  });
}
