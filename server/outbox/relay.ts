import "server-only";
import pg from "pg";
import type { Pool, PoolClient } from "pg";
import type Pusher from "pusher";
import { afterFailedDelivery, messageIdFor } from "@/server/domain/outbox";
import {
  type RealtimeChannel,
  type RealtimeEventName,
  type RealtimePayload,
  type ShowViewEvent,
  type WalletUpdatedPayload,
  userChannel,
} from "@/server/domain/realtime-events";
import { env } from "@/server/env";
import { type OutgoingEmail, sendEmail } from "@/server/integrations/email";
import { pusherServer } from "@/server/integrations/pusher";
import { payments } from "@/server/integrations/payments";
import { contentUnlockAnnouncements } from "@/server/services/content";
import { paidRequestAnnouncements } from "@/server/services/payment-requests";
import { renderPurchaseReceipt } from "@/server/services/purchases";
import { walletUpdatedPayloads } from "@/server/services/realtime";
import { showViewForDelivery } from "@/server/services/shows";
import { orderPaidAnnouncements } from "@/server/services/store";
import { membershipChargeAnnouncements } from "@/server/services/memberships";
import { tipAnnouncements } from "@/server/services/tips";
import { OUTBOX_CHANNEL, type OutboxMessage, type RealtimeData, payloadOf } from "./messages";

/**
 * How a relay claims messages: it locks their rows (FOR UPDATE SKIP LOCKED) in a transaction that stays open while
 * it delivers them and records the outcomes before it commits. The claim is the lock, so it lasts exactly as long
 * as the claiming session: a relay killed mid-batch closes its connection, PostgreSQL ends the session and drops its
 * locks at once, and the next relay's claim takes those messages with no timer to wait out; other relays skip them
 * meanwhile, so in the normal case no message is delivered twice. What this costs: a transaction open for one
 * batch's delivery (bounded by DELIVERY_TIMEOUT_MS), and a delivery whose process dies is not counted as an attempt
 * (the count rolls back with the claim), so only failures that are reported move a message towards dead.
 */
const BATCH = 50;
/** Deliveries of a batch in flight at once (emails share the pooled SMTP connections). */
const CONCURRENCY = 8;
/** The `pusher` library sends at most 10 events in one batch call (and Pusher's HTTP API takes no more). */
const PUSHER_BATCH = 10;
/** A delivery that takes longer counts as failed (it may still land: redeliveries carry the same identity). */
const DELIVERY_TIMEOUT_MS = 30_000;
/** Retries come due without a notification; the relay looks for them this often. */
const POLL_MS = 2_000;

interface ClaimedRow {
  id: string;
  key: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface DeliveryReport {
  delivered: number;
  failed: number;
  dead: number;
}

/**
 * A message made ready to send: an email, a realtime event (to one channel or several), a call of its own, or the
 * deliveries of the messages it stands for (a sale's announcements), rendered and sent with it, so it is delivered
 * when all of them are.
 */
type Delivery =
  | { via: "email"; email: OutgoingEmail }
  | { via: "pusher"; channels: string[]; name: string; data: unknown }
  | { via: "call"; run: () => Promise<unknown> }
  | { via: "several"; deliveries: Delivery[] };

/** A delivery's sends, one level down for a message that stands for several. */
const sendsOf = (delivery: Delivery): Delivery[] => (delivery.via === "several" ? delivery.deliveries.flatMap(sendsOf) : [delivery]);

/** An event the relay renders itself, checked against the catalogue as realtimeEvent (./realtime.ts) checks the services'. */
function publish<Name extends RealtimeEventName>(channel: NoInfer<RealtimeChannel<Name>>, name: Name, data: NoInfer<RealtimePayload<Name>>): Delivery {
  return { via: "pusher", channels: [channel], name, data };
}

/**
 * What a batch's messages read from the database, each kind of read made once for the whole batch, in one statement
 * however many messages ask: the posted sales its sale messages name (ANNOUNCED_SALES), then the wallet state of
 * every user whose wallet.updated it announces (the state at delivery, the same for each message about that user). A performer tipped
 * by many members at once would otherwise have each tip read on its own and their balances, pending deltas
 * included, read once per tip. Only well-formed ids are asked for, so a malformed message fails alone (not found)
 * rather than the statement; should the statement fail (the database unreachable), so does every message needing it.
 * The orders and payment requests paid by a statement that its messages name are read one statement each
 * (orderPaidAnnouncements, paidRequestAnnouncements), before the wallets, which their announcements update too.
 */
type BatchReads =
  | { ok: true; sales: Map<string, OutboxMessage[]>; orders: Map<string, OutboxMessage[]>; requests: Map<string, OutboxMessage[]>; wallets: Map<string, WalletUpdatedPayload> }
  | { ok: false; reason: string };

const TRANSACTION_ID = /^[0-9]{1,19}$/;
/** A user's, an order's or a payment request's id. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function readForBatch(pool: Pool, messages: readonly ClaimedRow[]): Promise<BatchReads> {
  try {
    return await withTimeout(readAll(pool, messages));
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

/** The sales whose one outbox message stands for their announcements, rendered from what was posted, a batch's at once. */
const ANNOUNCED_SALES: Record<"tip" | "membership-charge" | "content-unlock", (db: Pool, transactionIds: readonly string[]) => Promise<Map<string, OutboxMessage[]>>> = {
  tip: tipAnnouncements,
  "membership-charge": membershipChargeAnnouncements,
  "content-unlock": contentUnlockAnnouncements,
};

async function readAll(pool: Pool, messages: readonly ClaimedRow[]): Promise<BatchReads> {
  // Keyed by transaction id, unique across kinds; each kind's read finds only its own kind of posting.
  const sales = new Map<string, OutboxMessage[]>();
  for (const [kind, announcementsOf] of Object.entries(ANNOUNCED_SALES)) {
    const ids = messages.filter((message) => message.kind === kind).map((message) => String(message.payload.transactionId)).filter((id) => TRANSACTION_ID.test(id));
    if (ids.length > 0) for (const [id, announcements] of await announcementsOf(pool, ids)) sales.set(id, announcements);
  }
  const orders = await eachAnnounced(messages, "store-order-paid", "orderId", (id) => orderPaidAnnouncements(pool, id));
  const requests = await eachAnnounced(messages, "payment-request-paid", "requestId", (id) => paidRequestAnnouncements(pool, id));
  const standIns = [...sales.values(), ...orders.values(), ...requests.values()].flat();
  const announced = [...messages.map(({ kind, payload }) => ({ kind, payload })), ...standIns.map((each) => ({ kind: each.kind, payload: payloadOf(each) }))];
  const userIds = [...new Set(announced.filter((each) => each.kind === "wallet-update").map((each) => String(each.payload.userId)))].filter((id) => UUID.test(id));
  const wallets = userIds.length > 0 ? await walletUpdatedPayloads(pool, userIds) : new Map<string, WalletUpdatedPayload>();
  return { ok: true, sales, orders, requests, wallets };
}

/** What each message of `kind` stands for, by the well-formed id its payload names under `idField`; none for an id not found. */
async function eachAnnounced(
  messages: readonly ClaimedRow[],
  kind: string,
  idField: string,
  read: (id: string) => Promise<OutboxMessage[] | null>,
): Promise<Map<string, OutboxMessage[]>> {
  const ids = messages.filter((message) => message.kind === kind).map((message) => String(message.payload[idField])).filter((id) => UUID.test(id));
  const found = new Map<string, OutboxMessage[]>();
  for (const [id, announcements] of await Promise.all(ids.map(async (id) => [id, await read(id)] as const))) {
    if (announcements) found.set(id, announcements);
  }
  return found;
}

/** What the batch read for a message: its failure if the batch's statement failed. */
function batchRead(reads: BatchReads): Extract<BatchReads, { ok: true }> {
  if (!reads.ok) throw new Error(reads.reason);
  return reads;
}

/** Renders what a message says (views are rendered at delivery, so they show the state as it is now). */
async function prepare(pool: Pool, message: ClaimedRow, reads: BatchReads): Promise<Delivery> {
  const messageId = messageIdFor(message.key, new URL(env.APP_URL).hostname);
  switch (message.kind) {
    case "email":
      return { via: "email", email: { ...(message.payload.email as OutgoingEmail), messageId } };
    case "purchase-receipt":
      return { via: "email", email: { ...(await renderPurchaseReceipt(message.payload.purchaseId as string)), messageId } };
    case "realtime": {
      const { channels, event, data } = message.payload as { channels: string[]; event: string; data: RealtimeData };
      return { via: "pusher", channels, name: event, data };
    }
    case "wallet-update": {
      const userId = message.payload.userId as string;
      const payload = batchRead(reads).wallets.get(userId);
      if (!payload) throw new Error(`no wallets for user ${userId}`);
      return publish(userChannel(userId), "wallet.updated", payload);
    }
    case "tip":
    case "membership-charge":
    case "content-unlock": {
      // Rendered and published with the sale's own message rather than written as messages of their own: a sale
      // costs one outbox row, one claim and one mark, and its wallets are read with the batch's other updates.
      const transactionId = message.payload.transactionId as string;
      const announcements = batchRead(reads).sales.get(transactionId);
      if (!announcements) throw new Error(`${message.kind} ${transactionId} not found`);
      return prepareSeveral(pool, message, announcements, reads);
    }
    case "store-order-paid": {
      // As a sale's above: the one statement of an order or a payment writes one row for all of its announcements.
      const orderId = message.payload.orderId as string;
      const announcements = batchRead(reads).orders.get(orderId);
      if (!announcements) throw new Error(`store order ${orderId} not found`);
      return prepareSeveral(pool, message, announcements, reads);
    }
    case "payment-request-paid": {
      const requestId = message.payload.requestId as string;
      const announcements = batchRead(reads).requests.get(requestId);
      if (!announcements) throw new Error(`payment request ${requestId} not found`);
      return prepareSeveral(pool, message, announcements, reads);
    }
    case "show-view": {
      const { showId, userId, role, event, at } = message.payload as { showId: string; userId: string; role: "PERFORMER" | "MEMBER"; event: ShowViewEvent; at: string | null };
      return publish(userChannel(userId), event, await showViewForDelivery(showId, { id: userId, role }, at));
    }
    case "card-refund": {
      const { paymentIntentId, amountMinor, idempotencyKey, metadata } = message.payload as {
        paymentIntentId: string;
        amountMinor: string;
        idempotencyKey: string;
        metadata: Record<string, string>;
      };
      return { via: "call", run: () => payments().refund({ paymentId: paymentIntentId, amountMinor: BigInt(amountMinor), metadata, idempotencyKey }) };
    }
    default:
      throw new Error(`unknown outbox message kind "${message.kind}"`);
  }
}

/** The deliveries of the messages `message` stands for, each rendered as if it were a row of its own, under its own key. */
async function prepareSeveral(pool: Pool, message: ClaimedRow, standsFor: readonly OutboxMessage[], reads: BatchReads): Promise<Delivery> {
  const standIn = (each: OutboxMessage): ClaimedRow => ({ ...message, key: each.key, kind: each.kind, payload: payloadOf(each) });
  return { via: "several", deliveries: await Promise.all(standsFor.map((each) => prepare(pool, standIn(each), reads))) };
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`)), DELIVERY_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `work` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

type PusherDelivery = Extract<Delivery, { via: "pusher" }>;

/**
 * The Pusher calls that publish a batch's events, in id order: single-channel events grouped in batch calls. Events
 * that are one rendered payload to one channel under one name (a user's wallet state, read once for the batch) go
 * out once, in the place of the first, and deliver every message that asked for them.
 */
function pusherCalls(events: ReadonlyArray<{ id: string; delivery: PusherDelivery }>): Array<{ ids: string[]; send: () => Promise<unknown> }> {
  const calls: Array<{ ids: string[]; send: () => Promise<unknown> }> = [];
  const merged: Array<{ ids: string[]; delivery: PusherDelivery }> = [];
  const firstWith = new Map<unknown, { ids: string[]; delivery: PusherDelivery }>();
  for (const { id, delivery } of events) {
    const earlier = firstWith.get(delivery.data);
    if (earlier && earlier.delivery.name === delivery.name && earlier.delivery.channels.join() === delivery.channels.join()) {
      earlier.ids.push(id);
      continue;
    }
    const entry = { ids: [id], delivery };
    merged.push(entry);
    if (!earlier) firstWith.set(delivery.data, entry);
  }
  let batch: Array<{ ids: string[]; event: Pusher.BatchEvent }> = [];
  const flush = () => {
    if (batch.length === 0) return;
    const events = batch.map(({ event }) => event);
    calls.push({ ids: batch.flatMap(({ ids }) => ids), send: () => pusherServer.triggerBatch(events) });
    batch = [];
  };
  for (const { ids, delivery } of merged) {
    const { channels, name, data } = delivery;
    if (channels.length === 1) {
      batch.push({ ids, event: { channel: channels[0]!, name, data } });
      if (batch.length === PUSHER_BATCH) flush();
    } else {
      // An event for several channels stays one call (batch entries name one channel each), in its place in the order.
      flush();
      calls.push({ ids, send: () => pusherServer.trigger(channels, name, data) });
    }
  }
  flush();
  return calls;
}

/**
 * Delivers a batch (in id order), returning why each message that failed did. Emails and Stripe calls go out
 * CONCURRENCY at a time; realtime events go in Pusher calls of up to PUSHER_BATCH events, one call after another in
 * id order, so one relay publishes each channel's events in the order their messages were written. Across relays
 * there is no order (two workers deliver two batches at once), and a failed call does not hold back the ones after
 * it (its messages are retried later): that is enough because every realtime payload either names what changed for
 * the page to refetch or is a view rendered at delivery. Emails keep no order: each stands alone, and mail never
 * promised to arrive in the order it was sent.
 */
async function deliverBatch(pool: Pool, messages: readonly ClaimedRow[]): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  const prepared: Array<{ message: ClaimedRow; delivery: Delivery }> = [];
  const reads = await readForBatch(pool, messages);
  await eachLimited(messages, CONCURRENCY, async (message) => {
    try {
      prepared.push({ message, delivery: await withTimeout(prepare(pool, message, reads)) });
    } catch (error) {
      failures.set(message.id, reasonOf(error));
    }
  });
  prepared.sort((a, b) => Number(BigInt(a.message.id) - BigInt(b.message.id)));
  const sends = prepared.flatMap(({ message, delivery }) => sendsOf(delivery).map((send) => ({ message, send })));

  const publishInOrder = async () => {
    const events = sends.flatMap(({ message, send }) => (send.via === "pusher" ? [{ id: message.id, delivery: send }] : []));
    for (const call of pusherCalls(events)) {
      try {
        await withTimeout(call.send());
      } catch (error) {
        for (const id of call.ids) failures.set(id, reasonOf(error));
      }
    }
  };
  const sendOthers = () =>
    eachLimited(sends, CONCURRENCY, async ({ message, send }) => {
      if (send.via !== "email" && send.via !== "call") return;
      try {
        await withTimeout(send.via === "email" ? sendEmail(send.email) : send.run());
      } catch (error) {
        failures.set(message.id, reasonOf(error));
      }
    });
  await Promise.all([publishInOrder(), sendOthers()]);
  return failures;
}

/** Records a batch's outcomes: the delivered messages, then the failed ones with their backoff or death. */
async function recordOutcomes(session: PoolClient, messages: readonly ClaimedRow[], failures: Map<string, string>): Promise<DeliveryReport> {
  const delivered = messages.filter((message) => !failures.has(message.id));
  const failed = messages
    .filter((message) => failures.has(message.id))
    .map((message) => ({ message, reason: failures.get(message.id)!, next: afterFailedDelivery(message.attempts) }));
  if (delivered.length > 0) {
    await session.query(`UPDATE outbox_messages SET delivered_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])`, [delivered.map((m) => m.id)]);
  }
  if (failed.length > 0) {
    await session.query(
      `UPDATE outbox_messages m
          SET last_error = f.reason,
              dead_at = CASE WHEN f.retry_after IS NULL THEN now() END,
              available_at = CASE WHEN f.retry_after IS NULL THEN m.available_at ELSE now() + make_interval(secs => f.retry_after) END
         FROM unnest($1::bigint[], $2::text[], $3::int[]) AS f(id, reason, retry_after)
        WHERE m.id = f.id`,
      [failed.map((f) => f.message.id), failed.map((f) => f.reason), failed.map((f) => (f.next.outcome === "retry" ? f.next.afterSeconds : null))],
    );
  }
  const dead = failed.filter((f) => f.next.outcome === "dead");
  for (const { message, reason } of dead) console.error(`[outbox] ${message.key} is dead after ${message.attempts} attempts: ${reason}`);
  return { delivered: delivered.length, failed: failed.length - dead.length, dead: dead.length };
}

/**
 * Delivers what is due, oldest first, once: claims a batch (SKIP LOCKED, so relays in several workers share the
 * work), delivers it and records the outcomes before the claim ends. A failure waits its backoff; the last one makes
 * the message dead.
 */
export async function deliverDue(pool: Pool, limit = BATCH): Promise<DeliveryReport> {
  const session = await pool.connect();
  // A checked-out client has no error listener: a connection cut mid-batch (the database restarting) would
  // otherwise crash the process. The pass then fails at its next statement.
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  session.on("error", onError);
  try {
    await session.query("BEGIN");
    const { rows } = await session.query<ClaimedRow>(
      `UPDATE outbox_messages m SET attempts = m.attempts + 1
        WHERE m.id IN (SELECT id FROM outbox_messages
                        WHERE delivered_at IS NULL AND dead_at IS NULL
                          -- Timestamps are kept to the millisecond, rounded: one written just now may read as up
                          -- to half a millisecond ahead.
                          AND available_at < now() + interval '1 millisecond'
                        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING m.id, m.key, m.kind, m.payload, m.attempts`,
      [limit],
    );
    const messages = rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
    const report = await recordOutcomes(session, messages, await deliverBatch(pool, messages));
    await session.query("COMMIT");
    return report;
  } catch (error) {
    // The connection may be half-broken: it leaves the pool rather than serve anyone again.
    broken ??= error instanceof Error ? error : new Error(reasonOf(error));
    throw error;
  } finally {
    session.off("error", onError);
    session.release(broken);
  }
}

/** Delivers until nothing is due: what a test calls to see every side effect of what it did. */
export async function deliverAllDue(pool: Pool): Promise<DeliveryReport> {
  const total: DeliveryReport = { delivered: 0, failed: 0, dead: 0 };
  for (;;) {
    const report = await deliverDue(pool);
    total.delivered += report.delivered;
    total.failed += report.failed;
    total.dead += report.dead;
    if (report.delivered + report.failed + report.dead === 0) return total;
  }
}
export interface OutboxRelay {
  close(): Promise<void>;
}

/**
 * Runs in the worker: delivers as soon as a transaction that wrote to the outbox commits (LISTEN), and looks
 * for retries that came due every `pollMs`. One pass at a time per relay; a notification during a pass asks for
 * another.
 */
export async function startOutboxRelay({ databaseUrl, pool, pollMs = POLL_MS }: { databaseUrl: string; pool: Pool; pollMs?: number }): Promise<OutboxRelay> {
  const listener = new pg.Client({ connectionString: databaseUrl, application_name: "tipmeter-outbox-relay" });
  await listener.connect();
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const pass = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await deliverAllDue(pool);
        } catch (error) {
          console.error("[outbox] delivery pass failed:", error);
        }
      } while (again && !closed);
    })().finally(() => {
      running = null;
    });
  };

  listener.on("notification", pass);
  listener.on("error", (error) => console.error("[outbox] listener connection failed:", error));
  await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  const timer = setInterval(pass, pollMs);
  pass();

  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      await listener.end();
    },
  };
}
