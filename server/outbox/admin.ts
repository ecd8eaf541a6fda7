import "server-only";
import { z } from "zod";
import { storableBigint } from "@/server/domain/storable";
import { pool } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { MAX_DELIVERY_ATTEMPTS } from "@/server/domain/outbox";
import { OUTBOX_CHANNEL } from "./messages";

/** What an admin sees of a message that has not gone out: failing (still retrying) or dead (given up). */
export interface UndeliveredMessage {
  id: bigint;
  key: string;
  kind: string;
  /** Who or what it is for: an email's recipient, an event's channels, a wallet's owner. */
  target: string;
  state: "failing" | "dead";
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: Date;
  /** When the next try is due; null once dead. */
  nextTryAt: Date | null;
}

/** Failed at least once and not delivered: still retrying, or given up. */
const UNDELIVERED = "delivered_at IS NULL AND (dead_at IS NOT NULL OR last_error IS NOT NULL)";

/** Messages that failed at least once and are not delivered, dead ones first, then oldest first. */
export async function undeliveredMessages(limit = 200): Promise<UndeliveredMessage[]> {
  const { rows } = await pool.query<{
    id: string;
    key: string;
    kind: string;
    target: string;
    dead: boolean;
    attempts: number;
    last_error: string | null;
    created_at: Date;
    available_at: Date;
  }>(
    `SELECT id, key, kind, dead_at IS NOT NULL AS dead, attempts, last_error, created_at, available_at,
            coalesce(payload #>> '{email,to}', payload #>> '{userId}', array_to_string(ARRAY(SELECT jsonb_array_elements_text(payload -> 'channels')), ', '), '') AS target
       FROM outbox_messages
      WHERE ${UNDELIVERED}
      ORDER BY dead_at IS NULL, created_at
      LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({
    id: BigInt(row.id),
    key: row.key,
    kind: row.kind,
    target: row.target,
    state: row.dead ? "dead" : "failing",
    attempts: row.attempts,
    maxAttempts: MAX_DELIVERY_ATTEMPTS,
    lastError: row.last_error,
    createdAt: row.created_at,
    nextTryAt: row.dead ? null : row.available_at,
  }));
}

export async function undeliveredCount(): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    `SELECT count(*) FROM outbox_messages WHERE ${UNDELIVERED}`,
  );
  return Number(rows[0]?.count ?? 0);
}

export const retryMessageSchema = z.object({ id: storableBigint(z.bigint().positive()) });

/**
 * Sends an undelivered message again now, with a fresh set of attempts (after the admin fixed what made it
 * fail). Its key is unchanged, so the recipient gets the same message, not a new one.
 */
export async function retryMessage(input: z.input<typeof retryMessageSchema>): Promise<void> {
  const { id } = retryMessageSchema.parse(input);
  const { rowCount } = await pool.query(
    `UPDATE outbox_messages SET dead_at = NULL, attempts = 0, available_at = now()
      WHERE id = $1 AND delivered_at IS NULL`,
    [id.toString()],
  );
  if (!rowCount) throw new DomainError("NOT_FOUND", "That message was delivered already or does not exist.");
  await pool.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
}
