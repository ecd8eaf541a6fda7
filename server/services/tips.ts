import { randomUUID } from "node:crypto";
import { z } from "zod";
import { pool } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { roomChannel, userChannel } from "@/server/integrations/pusher";
import { mapLedgerError } from "@/server/ledger/post";
import { requestHash } from "@/server/ledger/request-hash";
import { OUTBOX_CHANNEL, type OutboxMessage, outboxRows } from "@/server/outbox/messages";
import { ROOM_TIP, type RoomTipPayload } from "./rooms";
import { findSellingPerformer } from "./sales";
import { SETTINGS } from "./settings";

/** Event on the performer's private channel when a tip lands. */
export const TIP_RECEIVED = "tip.received";

export interface TipReceivedPayload {
  transactionId: string;
  fromDisplayName: string;
  amount: string;
  net: string;
  message: string | null;
  at: string;
}

export const MAX_TIP = 100_000n;
export const MAX_TIP_MESSAGE = 280;

export const sendTipSchema = z
  .object({
    performerUsername: z.string().trim().min(1).max(64).optional(),
    performerId: z.uuid().optional(),
    amount: z.bigint().min(1n, "A tip is at least 1 credit.").max(MAX_TIP, `A tip is at most ${MAX_TIP} credits.`),
    message: z.string().trim().max(MAX_TIP_MESSAGE, `A message is at most ${MAX_TIP_MESSAGE} characters.`).optional(),
    idempotencyKey: z.uuid(),
  })
  .refine((input) => Boolean(input.performerUsername) !== Boolean(input.performerId), {
    message: "Name the performer by username or by id.",
    path: ["performerUsername"],
  });
export type SendTipInput = z.input<typeof sendTipSchema>;

export interface TipResult {
  transactionId: bigint;
  replayed: boolean;
  amount: bigint;
  /** The performer's share, in their pending earnings. */
  net: bigint;
  rateBps: number;
  stageName: string;
}

/** What a TIP posting records: the sale's split (server/services/sales.ts) plus the tip's own details. */
interface StoredTipMetadata {
  amount: string;
  performerShare: string;
  message: string | null;
}

/** What a tip's outbox messages need from the statement that posts it, as template tokens (see tipSql). */
interface TipTokens {
  transactionId: string;
  net: string;
  performerId: string;
  fromDisplayName: string;
}

function tipTokens(): TipTokens {
  // A fresh nonce per tip, so no text the member writes can spell a token.
  const nonce = randomUUID();
  return {
    transactionId: `@${nonce}:transaction@`,
    net: `@${nonce}:net@`,
    performerId: `@${nonce}:performer@`,
    fromDisplayName: `@${nonce}:name@`,
  };
}

/**
 * A tip in one statement: the performer (approved, active, not the tipper), the sale (ledger_sale) and, when it
 * was posted rather than replayed, its outbox messages, whose templates get the posting's values for the tokens.
 * No row when the performer or the tipper does not qualify: nothing is posted, and the caller words the refusal.
 * One text per way of naming the performer: a prepared statement's generic plan could not use either index for
 * a condition that allows both.
 */
const tipSql = (performerBy: "id" | "username") => `
WITH performer AS MATERIALIZED (
  SELECT u.id, p.stage_name FROM users u JOIN performer_profiles p ON p.user_id = u.id
   WHERE ${performerBy === "id" ? "u.id = $1::uuid" : "u.username = lower($1)"} AND u.role = 'PERFORMER'
     AND u.status = 'ACTIVE' AND p.status = 'APPROVED' AND coalesce(p.stage_name, '') <> '' AND u.id <> $2::uuid
), sale AS MATERIALIZED (
  SELECT pf.id AS performer_id, pf.stage_name, t.display_name, s.*
    FROM performer pf JOIN users t ON t.id = $2::uuid
   CROSS JOIN LATERAL ledger_sale('TIP', 'TIP', $2::uuid, pf.id, $3::bigint, $4, $5, 'Tip to ' || pf.stage_name,
     jsonb_build_object('stageName', pf.stage_name, 'message', $6::text), ARRAY['user:' || $2 || ':available:CRD'],
     ARRAY[-$3::bigint], $7::jsonb) s
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT m.key, m.kind, m.payload
    FROM sale s CROSS JOIN LATERAL jsonb_to_recordset(
      replace(replace(replace(replace($8::text,
        $9, s.transaction_id::text), $10, s.performer_share::text), $11, s.performer_id::text),
        to_json($12::text)::text, to_json(s.display_name)::text)::jsonb) AS m(key text, kind text, payload jsonb)
   WHERE NOT s.replayed
  ON CONFLICT (key) DO NOTHING
)
SELECT s.transaction_id, s.replayed, s.performer_share, s.rate_bps, s.stage_name,
       CASE WHEN NOT s.replayed THEN pg_notify($13, '') END AS notified
  FROM sale s`;

/**
 * A member tips a performer: the amount leaves the member's available credits, the performer's share at the
 * TIP rate in effect at the database's clock goes to their pending earnings, the rest to revenue; one ledger
 * transaction that records the rate, and its announcements in the outbox, in one round trip. A retry with the
 * same key returns the first tip and notifies no one again. The lookups that word a refusal run only after one.
 */
export async function sendTip(memberId: string, input: SendTipInput, db: Queryable = pool): Promise<TipResult> {
  const { amount, message, idempotencyKey, ...who } = sendTipSchema.parse(input);
  const tokens = tipTokens();
  const announcements = tipAnnouncements(memberId, tokens, { amount: amount.toString(), message: message || null });
  const { rows } = await db
    .query<{ transaction_id: string; replayed: boolean; performer_share: string; rate_bps: number; stage_name: string }>({
      name: who.performerId ? "send_tip_by_id" : "send_tip_by_username",
      text: tipSql(who.performerId ? "id" : "username"),
      values: [
        who.performerId ?? who.performerUsername,
        memberId,
        amount.toString(),
        `tip:${memberId}:${idempotencyKey}`,
        requestHash({ performer: who.performerId ?? who.performerUsername?.toLowerCase(), amount, message: message || null }),
        message || null,
        JSON.stringify(SETTINGS.earningsHold.default),
        JSON.stringify(outboxRows(announcements)),
        tokens.transactionId,
        tokens.net,
        tokens.performerId,
        tokens.fromDisplayName,
        OUTBOX_CHANNEL,
      ],
    })
    .catch(mapLedgerError);
  const tip = rows[0];
  if (!tip) return refuseTip(db, memberId, who);
  return {
    transactionId: BigInt(tip.transaction_id),
    replayed: tip.replayed,
    amount,
    net: BigInt(tip.performer_share),
    rateBps: tip.rate_bps,
    stageName: tip.stage_name,
  };
}

/** Why tipSql found no one to tip, in words: only paid for by a refused tip. */
async function refuseTip(db: Queryable, memberId: string, who: { performerId?: string; performerUsername?: string }): Promise<never> {
  const performer = await findSellingPerformer(db, who);
  if (performer.id === memberId) throw new DomainError("FORBIDDEN", "You cannot tip yourself.");
  const tipper = await db.query("SELECT 1 FROM users WHERE id = $1", [memberId]);
  if (tipper.rowCount === 0) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  throw new DomainError("CONFLICT", `${performer.stageName} could not be tipped just now. Try again.`);
}

/**
 * Written with the tip: both wallets, the performer's open dashboard (which also refetches its feed when it
 * regains focus), and the performer's room feed, to everyone there. The values the posting decides are tokens.
 */
function tipAnnouncements(memberId: string, tokens: TipTokens, tip: { amount: string; message: string | null }): OutboxMessage[] {
  const about = `tip:${tokens.transactionId}`;
  const at = new Date().toISOString();
  const payload: TipReceivedPayload = {
    transactionId: tokens.transactionId,
    fromDisplayName: tokens.fromDisplayName,
    amount: tip.amount,
    net: tokens.net,
    message: tip.message,
    at,
  };
  const roomTip: RoomTipPayload = { fromDisplayName: tokens.fromDisplayName, amount: tip.amount, message: tip.message, at };
  return [
    { key: `${about}:wallet:${memberId}`, kind: "wallet-update", userId: memberId },
    { key: `${about}:received`, kind: "realtime", channels: [userChannel(tokens.performerId)], event: TIP_RECEIVED, data: { ...payload } },
    { key: `${about}:room`, kind: "realtime", channels: [roomChannel(tokens.performerId)], event: ROOM_TIP, data: { ...roomTip } },
    { key: `${about}:wallet:${tokens.performerId}`, kind: "wallet-update", userId: tokens.performerId },
  ];
}

export interface ReceivedTip {
  transactionId: bigint;
  fromDisplayName: string;
  amount: bigint;
  net: bigint;
  message: string | null;
  at: Date;
}

/** The performer's latest tips, newest first, for the dashboard feed. */
export async function recentTipsFor(performerId: string, limit = 20): Promise<ReceivedTip[]> {
  const { rows } = await pool.query<{ id: string; display_name: string | null; metadata: StoredTipMetadata; created_at: Date }>(
    `SELECT t.id, u.display_name, t.metadata, t.created_at
       FROM ledger_accounts a
       JOIN ledger_entries e ON e.account_id = a.id
       JOIN ledger_transactions t ON t.id = e.transaction_id AND t.kind = 'TIP'
       LEFT JOIN users u ON u.id = t.actor_id
      WHERE a.owner_id = $1 AND a.type = 'PENDING'
      ORDER BY e.id DESC LIMIT $2`,
    [performerId, Math.min(Math.max(limit, 1), 100)],
  );
  return rows.map((row) => ({
    transactionId: BigInt(row.id),
    fromDisplayName: row.display_name ?? "A former member",
    amount: BigInt(row.metadata.amount),
    net: BigInt(row.metadata.performerShare),
    message: row.metadata.message,
    at: row.created_at,
  }));
}
