import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { type RoomTipPayload, type TipReceivedPayload, roomChannel, userChannel } from "@/server/domain/realtime-events";
import { mapLedgerError } from "@/server/ledger/post";
import { requestHash } from "@/server/ledger/request-hash";
import { type OutboxMessage, wakeRelayWhenIdleSql } from "@/server/outbox/messages";
import { realtimeEvent } from "@/server/outbox/realtime";
import { DEFAULT_HOLD, findSellingPerformer, sellingPerformerSql } from "../sales/sales";

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

/** What a TIP posting records: the sale's split (server/services/sales/sales.ts) plus the tip's own details. */
interface StoredTipMetadata {
  amount: string;
  performerShare: string;
  message: string | null;
}

/**
 * A tip in one statement: the tipper (and, given the version a session claims, that session still current), the
 * performer (approved, active, not the tipper), the tipper's active wallet (wallet_preferences; Credits without a
 * row), the sale, and, when it was posted rather than replayed, one outbox message naming it (a plain insert: its
 * key names a transaction this statement just wrote, so no conflict can arise), from which the relay renders and
 * publishes the tip's announcements (tipAnnouncements) with what was posted. No row when the performer or the tipper
 * does not qualify: nothing is posted, and the caller words the refusal. One text per way of naming the performer:
 * a prepared statement's generic plan could not use either index for a condition that allows both. The relay is
 * woken only when nothing else waits for it (wakeRelayWhenIdleSql).
 *   The sale itself is ledger_sale's fast path (migration *_sale_fast_path) written into this statement, since a
 * tip is the sale made most often: a cold, guarded Credits-currency wallet whose active type pays for tips (not a
 * card tab), the performer's pending account and revenue (both hot), the rate in effect and the hold, and a tipper
 * who owes no tab; the transaction first, its entries, the hot deltas, the guarded debit and the earnings lot
 * hanging off it, with the rows and metadata ledger_sale writes. Through ledger_sale a tip took 550-660 µs of backend
 * CPU, written out here 387-453 (one connection, rounds of 3,000 tips; the bench's raw sale statement: 330-337). Any
 * other tip (a replayed key, a card tab, another currency, no rate, a tab owed) writes nothing there and goes to
 * ledger_sale in the same statement, which works it out and words the refusal; a refused debit raises as
 * ledger_sale's does (ledger_refuse_debits). tipmeter.sale_path = 'general' sends every tip to ledger_sale, for the
 * parity test.
 */
const tipSql = (performerBy: "id" | "username") => `
WITH performer AS MATERIALIZED (
  SELECT u.id, p.stage_name FROM users u JOIN performer_profiles p ON p.user_id = u.id
   WHERE ${performerBy === "id" ? "u.id = $1::uuid" : "u.username = lower($1)"} AND ${sellingPerformerSql("u", "p")} AND u.id <> $2::uuid
     AND EXISTS (SELECT 1 FROM users tipper WHERE tipper.id = $2::uuid
                    AND ($8::int IS NULL OR (tipper.status = 'ACTIVE' AND tipper.session_version = $8::int)))
), source AS MATERIALIZED (
  SELECT a.id, a.code, a.currency, a.guarded, a.hot, a.wallet_type_id FROM ledger_accounts a
   WHERE a.owner_id = $2::uuid
     AND a.wallet_type_id = coalesce((SELECT wp.active_wallet_type_id FROM wallet_preferences wp WHERE wp.user_id = $2::uuid), '${CREDITS_WALLET}')
), fast AS MATERIALIZED (
  SELECT pf.id AS performer_id, pf.stage_name, source.id AS source_id, pending.id AS pending_id, revenue.id AS revenue_id,
         rate.bps, sale_performer_share($3::bigint, rate.bps) AS share,
         (SELECT coalesce((v.value -> 'byKind' ->> 'TIP')::int, (v.value ->> 'defaultDays')::int)
            FROM (SELECT coalesce((SELECT s.value FROM platform_settings s WHERE s.key = 'earningsHold'), $7::jsonb) AS value) v) AS hold_days
    FROM performer pf
    JOIN source ON source.currency = 'CRD' AND source.guarded AND NOT source.hot
    JOIN wallet_types wt ON wt.id = source.wallet_type_id AND wt.active AND NOT wt.card_tab AND 'TIPS' = ANY (wt.pays_for)
    JOIN ledger_accounts pending ON pending.code = 'user:' || pf.id || ':pending:CRD' AND pending.hot
    JOIN ledger_accounts revenue ON revenue.code = 'system:revenue:CRD' AND revenue.hot
   CROSS JOIN LATERAL (SELECT c.performer_share_bps AS bps FROM commission_rates c
                        WHERE c.kind = 'TIP' AND (c.performer_id = pf.id OR c.performer_id IS NULL) AND c.effective_from <= now()
                        ORDER BY c.performer_id IS NULL, c.effective_from DESC, c.id DESC LIMIT 1) rate
   WHERE NOT EXISTS (SELECT 1 FROM card_tabs t WHERE t.live_member_id = $2::uuid AND t.status IN ('PAYMENT_DUE', 'WRITTEN_OFF'))
     AND current_setting('tipmeter.sale_path', true) IS DISTINCT FROM 'general'
), tx AS (
  INSERT INTO ledger_transactions (kind, idempotency_key, request_hash, actor_id, description, metadata)
  SELECT 'TIP', $4, $5, $2::uuid, 'Tip to ' || f.stage_name,
         jsonb_build_object('stageName', f.stage_name, 'message', $6::text) || jsonb_build_object(
           'saleKind', 'TIP'::"SaleKind", 'performerId', f.performer_id, 'amount', $3::bigint::text,
           'performerShare', f.share::text, 'platformShare', ($3::bigint - f.share)::text, 'rateBps', f.bps)
    FROM fast f
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING id
), legs AS (
  SELECT l.ord, l.account_id, l.amount
    FROM fast f, LATERAL (VALUES (1, f.source_id, -$3::bigint), (2, f.pending_id, f.share), (3, f.revenue_id, $3::bigint - f.share)) AS l(ord, account_id, amount)
   WHERE l.amount <> 0
), entries AS (
  INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
  SELECT tx.id, l.account_id, l.amount, 'CRD' FROM tx, legs l ORDER BY l.ord
), deltas AS (
  INSERT INTO ledger_unfolded_deltas (account_id, amount)
  SELECT l.account_id, l.amount FROM tx, legs l WHERE l.amount > 0
), debited AS (
  UPDATE ledger_accounts a SET balance = a.balance - $3::bigint, restricted = false
    FROM tx, fast f
   WHERE a.id = f.source_id AND a.balance >= $3::bigint
  RETURNING a.id
), lot AS (
  INSERT INTO earnings_lots (performer_id, sale_kind, transaction_id, amount, remaining, matures_at)
  SELECT f.performer_id, 'TIP', tx.id, f.share, f.share, now() + make_interval(days => f.hold_days)
    FROM tx, fast f WHERE f.share > 0
), general AS MATERIALIZED (
  SELECT pf.stage_name, s.transaction_id, s.replayed, s.performer_share, s.rate_bps
    FROM performer pf
   CROSS JOIN LATERAL ledger_sale('TIP', 'TIP', $2::uuid, pf.id, $3::bigint, $4, $5, 'Tip to ' || pf.stage_name,
     jsonb_build_object('stageName', pf.stage_name, 'message', $6::text), ARRAY[(SELECT source.code FROM source)],
     ARRAY[-$3::bigint], $7::jsonb) s
   WHERE NOT EXISTS (SELECT 1 FROM tx)
), sale AS (
  SELECT f.stage_name, tx.id AS transaction_id, false AS replayed, f.share AS performer_share, f.bps AS rate_bps,
         CASE WHEN NOT EXISTS (SELECT 1 FROM debited) THEN ledger_refuse_debits(ARRAY[f.source_id]) END AS refused
    FROM tx, fast f
  UNION ALL
  SELECT g.stage_name, g.transaction_id, g.replayed, g.performer_share, g.rate_bps, NULL FROM general g
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT 'tip:' || s.transaction_id, 'tip', jsonb_build_object('transactionId', s.transaction_id::text)
    FROM sale s WHERE NOT s.replayed
)
SELECT s.transaction_id, s.replayed, s.performer_share, s.rate_bps, s.stage_name, s.refused,
       ${wakeRelayWhenIdleSql("NOT s.replayed")} AS woke_relay
  FROM sale s`;

/** The tip's two statements, built once: a connection sends the text only to prepare it. */
const TIP_SQL = { id: tipSql("id"), username: tipSql("username") };

/**
 * A member tips a performer: the amount leaves the member's active wallet, the performer's share at the
 * TIP rate in effect at the database's clock goes to their pending earnings, the rest to revenue; one ledger
 * transaction that records the rate, and its announcement in the outbox, in one round trip. A retry with the
 * same key returns the first tip and notifies no one again. The lookups that word a refusal run only after one.
 */
export function sendTip(memberId: string, input: SendTipInput, db: Queryable = pool): Promise<TipResult> {
  return postTip({ memberId, sessionVersion: null }, input, db);
}

/**
 * sendTip for a session whose claim nothing has checked yet (`claimedProcedure`): the tip's statement checks it
 * (the member exists, is active, and the session version is current) and posts nothing unless it holds, so the
 * request needs no session query of its own. A session that no longer counts is refused as signed out.
 */
export function sendTipAsSession(session: { userId: string; sessionVersion: number }, input: SendTipInput): Promise<TipResult> {
  return postTip({ memberId: session.userId, sessionVersion: session.sessionVersion }, input, pool);
}

async function postTip(tipper: Tipper, input: SendTipInput, db: Queryable): Promise<TipResult> {
  const { memberId } = tipper;
  const { amount, message, idempotencyKey, ...who } = sendTipSchema.parse(input);
  const { rows } = await db
    .query<{ transaction_id: string; replayed: boolean; performer_share: string; rate_bps: number; stage_name: string }>({
      name: who.performerId ? "send_tip_by_id" : "send_tip_by_username",
      text: TIP_SQL[who.performerId ? "id" : "username"],
      values: [
        who.performerId ?? who.performerUsername,
        memberId,
        amount.toString(),
        `tip:${memberId}:${idempotencyKey}`,
        requestHash({ performer: who.performerId ?? who.performerUsername?.toLowerCase(), amount, message: message || null }),
        message || null,
        DEFAULT_HOLD,
        tipper.sessionVersion,
      ],
    })
    .catch(mapLedgerError);
  const tip = rows[0];
  if (!tip) return refuseTip(db, tipper, who);
  return {
    transactionId: BigInt(tip.transaction_id),
    replayed: tip.replayed,
    amount,
    net: BigInt(tip.performer_share),
    rateBps: tip.rate_bps,
    stageName: tip.stage_name,
  };
}

/** Who tips: a member, and the session version their request claims (null when the caller checked the session). */
interface Tipper {
  memberId: string;
  sessionVersion: number | null;
}

/** Why tipSql found no one to tip, in words: only paid for by a refused tip. A session that no longer counts comes first. */
async function refuseTip(db: Queryable, { memberId, sessionVersion }: Tipper, who: { performerId?: string; performerUsername?: string }): Promise<never> {
  const tipper = await db.query<{ status: string; session_version: number }>("SELECT status, session_version FROM users WHERE id = $1", [memberId]);
  const session = tipper.rows[0];
  if (!session || (sessionVersion !== null && (session.status !== "ACTIVE" || session.session_version !== sessionVersion))) {
    throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  }
  const performer = await findSellingPerformer(db, who);
  if (performer.id === memberId) throw new DomainError("FORBIDDEN", "You cannot tip yourself.");
  throw new DomainError("CONFLICT", `${performer.stageName} could not be tipped just now. Try again.`);
}

/**
 * What the outbox messages of tips stand for, as the relay delivers them, by transaction id: both wallets, the
 * performer's open dashboard (which also refetches its feed when it regains focus), and the performer's room feed,
 * to everyone there; read from the posted tips in one statement however many, so the request that posts a tip
 * writes one small row. The relay renders and publishes them with the tip's own message, which is delivered when
 * all of them are; a delivery repeated after a crash publishes them again, as any realtime event may be. A
 * transaction that is not a tip is left out.
 */
export async function tipAnnouncements(db: Queryable, transactionIds: readonly string[]): Promise<Map<string, OutboxMessage[]>> {
  const { rows } = await db.query<{ id: string; actor_id: string; display_name: string | null; metadata: StoredTipMetadata & { performerId: string }; created_at: Date }>(
    `SELECT t.id, t.actor_id, u.display_name, t.metadata, t.created_at
       FROM ledger_transactions t LEFT JOIN users u ON u.id = t.actor_id
      WHERE t.id = ANY ($1::bigint[]) AND t.kind = 'TIP'`,
    [transactionIds],
  );
  return new Map(
    rows.map((tip) => {
      const transactionId = tip.id;
      const { performerId, amount, performerShare, message } = tip.metadata;
      const fromDisplayName = tip.display_name ?? "A former member";
      const at = tip.created_at.toISOString();
      const payload: TipReceivedPayload = { transactionId, fromDisplayName, amount, net: performerShare, message, at };
      const roomTip: RoomTipPayload = { fromDisplayName, amount, message, at };
      const about = `tip:${transactionId}`;
      const announcements: OutboxMessage[] = [
        { key: `${about}:wallet:${tip.actor_id}`, kind: "wallet-update", userId: tip.actor_id },
        realtimeEvent(`${about}:received`, userChannel(performerId), "tip.received", payload),
        realtimeEvent(`${about}:room`, roomChannel(performerId), "room.tip", roomTip),
        { key: `${about}:wallet:${performerId}`, kind: "wallet-update", userId: performerId },
      ];
      return [transactionId, announcements];
    }),
  );
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
