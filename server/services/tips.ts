import { z } from "zod";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { roomChannel, userChannel } from "@/server/integrations/pusher";
import { type OutboxMessage, enqueue } from "@/server/outbox/messages";
import { ROOM_TIP, type RoomTipPayload } from "./rooms";
import { findSellingPerformer, postSale } from "./sales";

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

interface TipMetadata {
  performerId: string;
  amount: string;
  net: string;
  rateBps: number;
  stageName: string;
  message: string | null;
}

/**
 * A member tips a performer: the amount leaves the member's available credits, the performer's share at the
 * TIP rate in effect at the database's clock goes to their pending earnings, the rest to revenue; one ledger
 * transaction that records the rate. A retry with the same key returns the first tip and notifies no one again.
 */
export async function sendTip(memberId: string, input: SendTipInput): Promise<TipResult> {
  const { amount, message, idempotencyKey, ...who } = sendTipSchema.parse(input);
  const performer = await findSellingPerformer(pool, who);
  if (performer.id === memberId) throw new DomainError("FORBIDDEN", "You cannot tip yourself.");
  const tipper = await pool.query<{ display_name: string }>("SELECT display_name FROM users WHERE id = $1", [memberId]);
  const fromDisplayName = tipper.rows[0]?.display_name;
  if (fromDisplayName === undefined) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");

  const { posted, metadata } = await withTransaction(pool, async (db) => {
    const sale = await postSale(db, {
      kind: "TIP",
      saleKind: "TIP",
      buyerId: memberId,
      performerId: performer.id,
      amount,
      idempotencyKey: `tip:${memberId}:${idempotencyKey}`,
      request: { performerId: performer.id, amount, message: message || null },
      description: `Tip to ${performer.stageName}`,
      metadata: { stageName: performer.stageName, message: message || null },
    });
    const tipMetadata: TipMetadata = {
      performerId: performer.id,
      amount: amount.toString(),
      net: sale.split.performer.toString(),
      rateBps: sale.split.rateBps,
      stageName: performer.stageName,
      message: message || null,
    };
    if (!sale.replayed) await enqueue(db, tipAnnouncements(memberId, sale.transactionId, fromDisplayName, tipMetadata));
    return { posted: sale, metadata: tipMetadata };
  });

  return {
    transactionId: posted.transactionId,
    replayed: posted.replayed,
    amount: BigInt(metadata.amount),
    net: BigInt(metadata.net),
    rateBps: metadata.rateBps,
    stageName: metadata.stageName,
  };
}

/**
 * Written with the tip: both wallets, the performer's open dashboard (which also refetches its feed when it
 * regains focus), and the performer's room feed, to everyone there.
 */
function tipAnnouncements(memberId: string, transactionId: bigint, fromDisplayName: string, metadata: TipMetadata): OutboxMessage[] {
  const about = `tip:${transactionId}`;
  const payload: TipReceivedPayload = {
    transactionId: transactionId.toString(),
    fromDisplayName,
    amount: metadata.amount,
    net: metadata.net,
    message: metadata.message,
    at: new Date().toISOString(),
  };
  const roomTip: RoomTipPayload = { fromDisplayName, amount: metadata.amount, message: metadata.message, at: payload.at };
  return [
    { key: `${about}:wallet:${memberId}`, kind: "wallet-update", userId: memberId },
    { key: `${about}:received`, kind: "realtime", channels: [userChannel(metadata.performerId)], event: TIP_RECEIVED, data: { ...payload } },
    { key: `${about}:room`, kind: "realtime", channels: [roomChannel(metadata.performerId)], event: ROOM_TIP, data: { ...roomTip } },
    { key: `${about}:wallet:${metadata.performerId}`, kind: "wallet-update", userId: metadata.performerId },
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
