import "server-only";
import type { Queryable } from "@/server/db/transaction";
import type { ShowViewEvent } from "@/server/domain/realtime-events";
import type { Prisma } from "@/server/generated/prisma/client";
import type { OutgoingEmail } from "@/server/integrations/email";

/**
 * The outbox: side effects of a change, written with `enqueue` in the change's own transaction, so they exist
 * exactly when the change does, and delivered afterwards by the relay (server/outbox/relay.ts) with retries.
 *
 * Each message has a deterministic key built from what it is about (`store-order:<id>:paid:receipt`): the same
 * change written twice (a replayed webhook that got past its own dedupe, a retried job) adds nothing, and a
 * delivery repeated after a crash carries the same identity.
 */
/** A realtime payload as JSON carries it (amounts as decimal strings: JSON has no bigint). */
export type RealtimeData = Record<string, unknown>;

export type OutboxMessage =
  | { key: string; kind: "email"; email: OutgoingEmail }
  /**
   * A realtime event with its payload as written; payloads name what changed, pages refetch it. Written only by
   * realtimeEvent (./realtime.ts), which checks the name, channels and payload against the catalogue.
   */
  | { key: string; kind: "realtime"; channels: string[]; event: string; data: RealtimeData }
  /** The user's balances as they are at delivery, on their private channel. */
  | { key: string; kind: "wallet-update"; userId: string }
  /** A show as one side sees it, rendered at delivery and sent on their private channel as `event`. */
  | { key: string; kind: "show-view"; showId: string; userId: string; role: "PERFORMER" | "MEMBER"; event: ShowViewEvent; at: string | null }
  /** A credit purchase's receipt, rendered at delivery: it reads the card's last digits from Stripe. */
  | { key: string; kind: "purchase-receipt"; purchaseId: string }
  /** A posted tip, announced at delivery with what was posted (tipAnnouncements); written by the tip's statement. */
  | { key: string; kind: "tip"; transactionId: string }
  /** A membership's period paid, by a join or a renewal, announced at delivery (membershipChargeAnnouncements): the receipt and both wallets. */
  | { key: string; kind: "membership-charge"; transactionId: string }
  /** A content unlock, its receipt and wallet updates rendered at delivery (contentUnlockAnnouncements). */
  | { key: string; kind: "content-unlock"; transactionId: string }
  /**
   * A store order paid, wholly from the wallet or its card part by a checkout, announced at delivery as a payment of
   * it is (orderPaidAnnouncements); written by the order's statement or the paid checkout's (store/card-events.ts).
   */
  | { key: string; kind: "store-order-paid"; orderId: string }
  /**
   * A payment request paid from a wallet or by a card checkout, announced at delivery (paidRequestAnnouncements);
   * written by the payment's statement or the paid checkout's (payment-requests/card-events.ts).
   */
  | { key: string; kind: "payment-request-paid"; requestId: string }
  /** A card payment given back at Stripe; `idempotencyKey` makes a redelivery the same refund. */
  | { key: string; kind: "card-refund"; paymentIntentId: string; amountMinor: string; idempotencyKey: string; metadata: Record<string, string> };

/** The channel Postgres notifies on commit of a transaction that wrote to the outbox; the relay listens. */
export const OUTBOX_CHANNEL = "tipmeter_outbox";

/** What a message's row stores besides its key and kind. */
export function payloadOf(message: OutboxMessage): Record<string, unknown> {
  switch (message.kind) {
    case "email":
      return { email: message.email };
    case "realtime":
      return { channels: message.channels, event: message.event, data: message.data };
    case "wallet-update":
      return { userId: message.userId };
    case "purchase-receipt":
      return { purchaseId: message.purchaseId };
    case "tip":
    case "membership-charge":
    case "content-unlock":
      return { transactionId: message.transactionId };
    case "store-order-paid":
      return { orderId: message.orderId };
    case "payment-request-paid":
      return { requestId: message.requestId };
    case "show-view":
      return { showId: message.showId, userId: message.userId, role: message.role, event: message.event, at: message.at };
    case "card-refund":
      return { paymentIntentId: message.paymentIntentId, amountMinor: message.amountMinor, idempotencyKey: message.idempotencyKey, metadata: message.metadata };
  }
}

/**
 * Names the transaction a change is made in, for the keys of announcements that no row of the change names (a
 * meter tick's refreshed views, a room's new status): such a change is written once, so its transaction names it.
 */
export async function transactionTag(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ xid: string }>("SELECT pg_current_xact_id()::text AS xid");
  const xid = rows[0]?.xid;
  if (!xid) throw new Error("no transaction id");
  return `x${xid}`;
}

export async function enqueue(db: Queryable, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db.query(
    `INSERT INTO outbox_messages (key, kind, payload)
     SELECT m.key, m.kind, m.payload FROM jsonb_to_recordset($1::jsonb) AS m(key text, kind text, payload jsonb)
     ON CONFLICT (key) DO NOTHING`,
    [JSON.stringify(messages.map((message) => ({ key: message.key, kind: message.kind, payload: payloadOf(message) })))],
  );
  // Delivered by Postgres only when the transaction commits, and never if it rolls back.
  await db.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
}

/**
 * For a sale's one statement that wrote its outbox message: wakes the relay (NOTIFY), when `wrote` holds, only when
 * no other message is due and undelivered. A NOTIFY is not free: at commit it takes a database-wide lock held until
 * the commit is flushed, so transactions that notify commit one at a time and lose group commit; a tip notifying on
 * every commit halved the sale path's throughput when profiled (16 clients on a loaded 2-core machine: 486 to 567
 * tips/s without, 236 to 288 with). When other messages wait, the relay is awake or about to be: a pass runs until it
 * claims nothing (a message being delivered now is one whose claim is still open), and this message's row is claimed
 * by a later round of the same pass. If that pass ends in the moment before the statement commits, the relay's poll
 * (POLL_MS in server/outbox/relay.ts) delivers it.
 */
export const wakeRelayWhenIdleSql = (wrote: string) => `CASE WHEN ${wrote} AND NOT EXISTS (
         SELECT 1 FROM outbox_messages m
          WHERE m.delivered_at IS NULL AND m.dead_at IS NULL AND m.available_at <= now()
       ) THEN pg_notify('${OUTBOX_CHANNEL}', '') END`;

/** `enqueue` for code that runs its transaction through Prisma. */
export async function enqueueWithPrisma(tx: Prisma.TransactionClient, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await tx.outboxMessage.createMany({
    data: messages.map((message) => ({ key: message.key, kind: message.kind, payload: payloadOf(message) as Prisma.InputJsonObject })),
    skipDuplicates: true,
  });
  await tx.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
}
