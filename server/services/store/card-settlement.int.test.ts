import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import type { OutgoingEmail } from "@/server/integrations/email";
import { type StripeWebhooksHarness, type WebhookDelivery, startStripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * A store order's card part paid: the common case (a paid checkout for an order awaiting it, whose session, amount
 * and currency match) is one statement (settlePaidCheckoutSql in card-settlement.ts); everything else goes through
 * the transaction it replaced (settleStoreOrderInTransaction), which stays the reference. The real `stripe` SDK
 * against the emulator, its signed webhooks delivered to the real route, on real PostgreSQL. Environment first, app
 * modules after (server/env parses once, at first import).
 */
const API_KEY = "sk_test_store_card_settle";
const WEBHOOK_SECRET = "whsec_store_card_settle";

const trigger = vi.hoisted(() => vi.fn<(channels: string | string[], event: string, data?: unknown) => Promise<object>>(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

const sent = vi.hoisted(() => [] as OutgoingEmail[]);
vi.mock("@/server/integrations/email", () => ({
  sendEmail: vi.fn(async (message: OutgoingEmail) => {
    sent.push(message);
  }),
}));

let stripeHarness: StripeWebhooksHarness;
let app: {
  pool: import("pg").Pool;
  closeDb: () => Promise<void>;
  callerAs: typeof import("@/server/testing/api").callerAs;
  expectLedgerInvariantsHold: typeof import("@/server/testing/api").expectLedgerInvariantsHold;
  fundUser: typeof import("@/server/testing/factories").fundUser;
  makeAdmin: typeof import("@/server/testing/users").makeAdmin;
  makeMember: typeof import("@/server/testing/users").makeMember;
  makePerformer: typeof import("@/server/testing/users").makePerformer;
  countRoundTrips: typeof import("@/server/testing/round-trips").countRoundTrips;
  raceQueuedBehindRowLock: typeof import("@/server/testing/lock-queue").raceQueuedBehindRowLock;
  crashNextRelayPass: typeof import("@/server/testing/relay-crash").crashNextRelayPass;
  deliverAllDue: typeof import("@/server/outbox/relay").deliverAllDue;
  deliverDue: typeof import("@/server/outbox/relay").deliverDue;
  payments: typeof import("@/server/integrations/payments").payments;
  cardEvents: typeof import("./card-events");
  orders: typeof import("./orders");
  notifications: typeof import("./notifications");
  withTransaction: typeof import("@/server/db/transaction").withTransaction;
};

let admin: SessionUser;
let seller: SessionUser;

beforeAll(async () => {
  stripeHarness = await startStripeWebhooksHarness({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, emulator: { asyncPaymentDelayMs: 100 } });
  const [db, api, factories, users, roundTrips, lockQueue, relayCrash, relay, payments, cardEvents, orders, notifications, transaction] = await Promise.all([
    import("@/server/db/client"),
    import("@/server/testing/api"),
    import("@/server/testing/factories"),
    import("@/server/testing/users"),
    import("@/server/testing/round-trips"),
    import("@/server/testing/lock-queue"),
    import("@/server/testing/relay-crash"),
    import("@/server/outbox/relay"),
    import("@/server/integrations/payments"),
    import("./card-events"),
    import("./orders"),
    import("./notifications"),
    import("@/server/db/transaction"),
  ]);
  app = {
    pool: db.pool,
    closeDb: db.closeDb,
    callerAs: api.callerAs,
    expectLedgerInvariantsHold: api.expectLedgerInvariantsHold,
    fundUser: factories.fundUser,
    makeAdmin: users.makeAdmin,
    makeMember: users.makeMember,
    makePerformer: users.makePerformer,
    countRoundTrips: roundTrips.countRoundTrips,
    raceQueuedBehindRowLock: lockQueue.raceQueuedBehindRowLock,
    crashNextRelayPass: relayCrash.crashNextRelayPass,
    deliverAllDue: relay.deliverAllDue,
    deliverDue: relay.deliverDue,
    payments: payments.payments,
    cardEvents,
    orders,
    notifications,
    withTransaction: transaction.withTransaction,
  };
  admin = await app.makeAdmin();
  seller = await app.makePerformer(admin, "Card Seller");
  await app.callerAs(admin).commissions.set({ kind: "STORE", performerShareBps: 8000 });
});

afterAll(async () => {
  await app?.closeDb();
  await stripeHarness?.close();
});

beforeEach(async () => {
  await app.deliverAllDue(app.pool);
  sent.length = 0;
  trigger.mockClear();
});

afterEach(() => app.expectLedgerInvariantsHold());

const ADDRESS = { name: "Mia Member", line1: "1 Main Street", city: "Springfield", postalCode: "12345", country: "US" };

interface CardOrder {
  orderId: string;
  sessionId: string;
  buyer: SessionUser;
}

/** An order awaiting its card part, with its checkout open: `walletPart` of 100 credits from the wallet (a digital item when 0). */
async function cardOrder(walletPart: bigint): Promise<CardOrder> {
  const buyer = await app.makeMember("card-buyer");
  await app.fundUser(app.pool, buyer.id, 500n);
  const digital = walletPart === 0n;
  const item = await app.callerAs(seller).store.saveMyItem({
    kind: digital ? "DIGITAL" : "PHYSICAL",
    title: "Card item",
    description: "",
    price: 100n,
    stock: 5,
    active: true,
  });
  if (digital) {
    const { setItemFile } = await import("./queries");
    await setItemFile(app.pool, item.id, { key: `test/${item.id}`, fileName: "file.pdf", mimeType: "application/pdf" });
  }
  const placed = await app.callerAs(buyer).store.buy({
    itemId: item.id,
    quantity: 1,
    walletPart,
    ...(digital ? {} : { shippingAddress: ADDRESS }),
    idempotencyKey: randomUUID(),
  });
  const { rows } = await app.pool.query<{ stripe_checkout_session_id: string }>("SELECT stripe_checkout_session_id FROM store_orders WHERE id = $1", [placed.orderId]);
  return { orderId: placed.orderId, sessionId: rows[0]!.stripe_checkout_session_id, buyer };
}

describe("a paid checkout of a store order", () => {
  it("is settled in one round trip, beside the route's check that the event is new", async () => {
    const order = await cardOrder(40n);
    const [completed] = await stripeHarness.payHeld(order.sessionId, ["checkout.session.completed"]);
    const { result, roundTrips, statements } = await app.countRoundTrips(() => stripeHarness.outcomeOf(completed!));
    expect(result).toBe("processed");
    const { rows } = await app.pool.query("SELECT status FROM store_orders WHERE id = $1", [order.orderId]);
    expect(rows[0]).toEqual({ status: "PAID" });
    // Before the event's object is re-read from Stripe, the route looks whether the event was seen (a replay then costs no call to Stripe).
    expect(roundTrips).toBe(2);
    expect(statements[0]).toMatch(/^SELECT .*"stripe_events"/);
    expect(statements[1]).toBe("settle_store_order_paid_checkout");
  });
});

type Path = "one statement" | "transaction";

const withoutIds = (value: unknown, ids: readonly string[]) =>
  JSON.parse(ids.filter(Boolean).reduce((text, id) => text.replaceAll(id, "<id>"), JSON.stringify(value))) as unknown;

/** The event a delivery carries and its object re-read from the emulator, as the webhook route has them. */
async function eventOf(delivery: WebhookDelivery) {
  const gateway = app.payments("stripe");
  const event = gateway.verifyWebhook(delivery.body, new Headers({ "stripe-signature": delivery.signature }));
  const subject = await gateway.readSubject(event);
  if (!subject || subject.kind === "authorization") throw new Error(`${event.type} is not about a checkout`);
  return { event, subject };
}

/** Everything the settlement may write about an order, with what differs by nature (ids, times) taken out. */
async function settledRows(order: CardOrder, eventIds: string[]) {
  const { rows: orders } = await app.pool.query(
    `SELECT o.item_id, o.status, o.total::text, o.wallet_part::text, o.card_part::text, o.card_amount_minor::text, o.currency,
            o.stripe_checkout_session_id, o.stripe_payment_intent_id, o.sale_transaction_id, o.hold_transaction_id IS NOT NULL AS held,
            o.refund_transaction_id IS NOT NULL AS refunded, i.stock AS stock_left
       FROM store_orders o JOIN store_items i ON i.id = o.item_id WHERE o.id = $1`,
    [order.orderId],
  );
  const row = orders[0] as { item_id: string; sale_transaction_id: string | null; stripe_payment_intent_id: string | null };
  const [postings, entries, lots, events, messages, recorded, audits] = await Promise.all([
    app.pool.query(
      "SELECT kind, actor_id, description, metadata, request_hash IS NOT NULL AS hashed, idempotency_key FROM ledger_transactions WHERE idempotency_key LIKE $1 ORDER BY id",
      [`store-order:${order.orderId}:%`],
    ),
    app.pool.query(
      `SELECT t.kind, a.code, e.amount::text FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id JOIN ledger_transactions t ON t.id = e.transaction_id
        WHERE t.idempotency_key LIKE $1 ORDER BY t.id, a.code`,
      [`store-order:${order.orderId}:%`],
    ),
    app.pool.query("SELECT performer_id, amount::text, remaining::text, matures_at - created_at AS hold FROM earnings_lots WHERE transaction_id = $1", [row.sale_transaction_id]),
    app.pool.query("SELECT status, actor_id, note FROM store_order_events WHERE order_id = $1 ORDER BY id", [order.orderId]),
    app.pool.query<{ key: string; kind: string; payload: Record<string, unknown> }>("SELECT key, kind, payload FROM outbox_messages WHERE key LIKE $1 ORDER BY id", [
      `store-order:${order.orderId}:%`,
    ]),
    app.pool.query("SELECT type FROM stripe_events WHERE id = ANY($1::text[]) ORDER BY type", [eventIds]),
    app.pool.query("SELECT action, details - 'eventId' AS details FROM audit_log WHERE target_id = $1 ORDER BY id", [order.orderId]),
  ]);
  const oneRow = messages.rows.some((message) => message.kind === "store-order-paid");
  const announced = [];
  for (const message of messages.rows) {
    if (message.kind !== "store-order-paid") announced.push(message);
    else for (const { key, kind, ...payload } of (await app.notifications.orderPaidAnnouncements(app.pool, order.orderId)) ?? []) announced.push({ key, kind, payload });
  }
  const ids = [order.orderId, row.item_id, order.buyer.id, order.buyer.email, order.buyer.displayName, order.buyer.username, order.sessionId, row.stripe_payment_intent_id ?? "", ...eventIds];
  // Sorted once the ids are out: the buyer's and the seller's accounts sort by their ids otherwise.
  const sortedEntries = (withoutIds(entries.rows, ids) as object[]).map((entry) => JSON.stringify(entry)).sort();
  return {
    path: (oneRow ? "one statement" : "transaction") as Path,
    rows: withoutIds(
      {
        order: { ...row, sale_transaction_id: row.sale_transaction_id ? "sale" : null },
        postings: postings.rows,
        entries: sortedEntries,
        lots: lots.rows,
        events: events.rows,
        recorded: recorded.rows,
        audits: audits.rows,
      },
      ids,
    ),
    announced: withoutIds(announced, ids),
  };
}

interface SettleCase {
  name: string;
  walletPart: bigint;
  /** The events about the checkout to hold, delivered in this order; a name twice is the same event delivered again. */
  deliver: string[];
  outcome?: "pay" | "delayed" | "delayed_fail";
  /** What changed at us between the payment and its events. */
  arrange?: (order: CardOrder) => Promise<unknown>;
  outcomes: string[];
  /** The path the statement run ends on: the statement settles only the common case. */
  path: Path;
}

/** One order settled by one path from a fresh arrangement: the answers to its events, and its rows and announcements. */
async function settleVia(path: Path, each: SettleCase) {
  const order = await cardOrder(each.walletPart);
  const types = [...new Set(each.deliver)];
  const held = await stripeHarness.payHeld(order.sessionId, types, each.outcome);
  await each.arrange?.(order);
  const outcomes: string[] = [];
  const eventIds: string[] = [];
  for (const type of each.deliver) {
    const { event, subject } = await eventOf(held[types.indexOf(type)]!);
    eventIds.push(event.id);
    outcomes.push(
      path === "one statement"
        ? await app.cardEvents.handleStoreOrderEvent(event, order.orderId, subject)
        : await app.cardEvents.settleStoreOrderInTransaction(event, order.orderId, subject),
    );
  }
  return { outcomes, ...(await settledRows(order, eventIds)) };
}

const set = (column: string, value: string | null) => (order: CardOrder) =>
  app.pool.query(`UPDATE store_orders SET ${column} = $2 WHERE id = $1`, [order.orderId, value]);

async function cancelBeforeThePayment(order: CardOrder) {
  await app.withTransaction(app.pool, async (db) => {
    const locked = await app.orders.lockOrder(db, order.orderId);
    await app.orders.releaseCardOrder(db, locked!, { actor: "BUYER", actorId: order.buyer.id, note: "Cancelled by the buyer" });
  });
}

describe("the one statement settles a paid checkout exactly as the transaction", () => {
  const completed = "checkout.session.completed";
  const cases: SettleCase[] = [
    { name: "wholly by card (a digital item, delivered)", walletPart: 0n, deliver: [completed], outcomes: ["processed"], path: "one statement" },
    { name: "wallet and card", walletPart: 40n, deliver: [completed], outcomes: ["processed"], path: "one statement" },
    { name: "the same event twice", walletPart: 40n, deliver: [completed, completed], outcomes: ["processed", "duplicate"], path: "one statement" },
    {
      name: "another event about the checkout first, the order then already paid",
      walletPart: 40n,
      outcome: "delayed",
      deliver: ["checkout.session.async_payment_succeeded", completed],
      outcomes: ["processed", "processed"],
      path: "one statement",
    },
    { name: "an amount that differs", walletPart: 40n, deliver: [completed], arrange: set("card_amount_minor", "601"), outcomes: ["mismatch"], path: "transaction" },
    { name: "a currency that differs", walletPart: 40n, deliver: [completed], arrange: set("currency", "eur"), outcomes: ["mismatch"], path: "transaction" },
    { name: "the same currency in capitals", walletPart: 40n, deliver: [completed], arrange: set("currency", "USD"), outcomes: ["processed"], path: "one statement" },
    { name: "another session", walletPart: 40n, deliver: [completed], arrange: (order) => set("stripe_checkout_session_id", `cs_test_another_${order.orderId}`)(order), outcomes: ["mismatch"], path: "transaction" },
    { name: "no session stored yet (its answer lost)", walletPart: 40n, deliver: [completed], arrange: set("stripe_checkout_session_id", null), outcomes: ["processed"], path: "transaction" },
    { name: "an order cancelled before the payment (refunded in full)", walletPart: 40n, deliver: [completed], arrange: cancelBeforeThePayment, outcomes: ["processed"], path: "transaction" },
    {
      name: "a payment that failed",
      walletPart: 40n,
      outcome: "delayed_fail",
      deliver: ["checkout.session.async_payment_failed"],
      outcomes: ["processed"],
      path: "transaction",
    },
  ];

  it.each(cases)("$name", async (each) => {
    const oneStatement = await settleVia("one statement", each);
    const transaction = await settleVia("transaction", each);
    expect(oneStatement).toMatchObject({ outcomes: each.outcomes, path: each.path });
    expect(transaction).toMatchObject({ outcomes: each.outcomes, path: "transaction" });
    expect({ ...oneStatement, path: undefined }).toEqual({ ...transaction, path: undefined });
  });
});

/** The sale postings of an order. */
async function salesOf(orderId: string): Promise<number> {
  const { rows } = await app.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_transactions WHERE idempotency_key = $1", [`store-order:${orderId}:sale`]);
  return rows[0]!.n;
}

describe("a paid checkout delivered at once", () => {
  it("six times, through the route: one posting, one answer processed and the others duplicate", async () => {
    const order = await cardOrder(40n);
    const [delivery] = await stripeHarness.payHeld(order.sessionId, ["checkout.session.completed"]);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => stripeHarness.outcomeOf(delivery!)));
    expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "duplicate", "duplicate", "duplicate", "processed"]);
    expect(await salesOf(order.orderId)).toBe(1);
    const { rows } = await app.pool.query("SELECT status FROM store_orders WHERE id = $1", [order.orderId]);
    expect(rows[0]).toEqual({ status: "PAID" });
  });

  it("racing the checkout's other event, each delivered three times: one posting, every event processed once", async () => {
    const order = await cardOrder(40n);
    const deliveries = await stripeHarness.payHeld(order.sessionId, ["checkout.session.completed", "checkout.session.async_payment_succeeded"], "delayed");
    const outcomes = await Promise.all(deliveries.flatMap((delivery) => Array.from({ length: 3 }, () => stripeHarness.outcomeOf(delivery))));
    expect(outcomes.filter((outcome) => outcome === "processed")).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome === "duplicate")).toHaveLength(4);
    expect(await salesOf(order.orderId)).toBe(1);
    const { rows } = await app.pool.query("SELECT status, (SELECT count(*)::int FROM store_order_events e WHERE e.order_id = o.id AND e.status = 'PAID') AS paid_events FROM store_orders o WHERE id = $1", [order.orderId]);
    expect(rows[0]).toEqual({ status: "PAID", paid_events: 1 });
  });
});

describe("a paid checkout through the statement and through the transaction, queued for the order in that order", () => {
  it("posts once and does not deadlock: the statement settles it, the transaction finds the event recorded", async () => {
    const order = await cardOrder(40n);
    const [delivery] = await stripeHarness.payHeld(order.sessionId, ["checkout.session.completed"]);
    const { event, subject } = await eventOf(delivery!);
    const outcomes = await app.raceQueuedBehindRowLock(
      app.pool,
      { text: "SELECT 1 FROM store_orders WHERE id = $1 FOR UPDATE", values: [order.orderId] },
      () => app.cardEvents.handleStoreOrderEvent(event, order.orderId, subject),
      () => app.cardEvents.settleStoreOrderInTransaction(event, order.orderId, subject),
    );
    expect(outcomes).toEqual([
      { status: "fulfilled", value: "processed" },
      { status: "fulfilled", value: "duplicate" },
    ]);
    expect(await salesOf(order.orderId)).toBe(1);
    const { rows } = await app.pool.query("SELECT status, (SELECT count(*)::int FROM store_order_events e WHERE e.order_id = o.id AND e.status = 'PAID') AS paid_events FROM store_orders o WHERE id = $1", [order.orderId]);
    expect(rows[0]).toEqual({ status: "PAID", paid_events: 1 });
  });
});

describe("what a card order's payment announces", () => {
  /** The emails and realtime events the relay sent for one order settled by `path`, its ids taken out. */
  async function deliveredFor(path: Path) {
    const result = await settleVia(path, { name: path, walletPart: 40n, deliver: ["checkout.session.completed"], outcomes: ["processed"], path });
    expect(result.path).toBe(path);
    const { rows } = await app.pool.query<{ id: string; item_id: string }>(
      "SELECT id, item_id FROM store_orders WHERE sale_transaction_id IS NOT NULL ORDER BY created_at DESC LIMIT 1",
    );
    sent.length = 0;
    trigger.mockClear();
    await app.deliverAllDue(app.pool);
    const events = trigger.mock.calls.map(([channels, event, data]) => ({ channels, event, data: event === "wallet.updated" ? "(balances)" : data }));
    const buyer = sent.find((email) => email.subject === "Receipt: Card item")?.to ?? "";
    return withoutIds({ emails: sent.map((email) => ({ ...email, to: email.to === buyer ? "<buyer>" : email.to })), events }, [rows[0]!.id, rows[0]!.item_id]);
  }

  it("is delivered with the same keys and content as the transaction's messages", async () => {
    // Each path's order has a buyer of its own, whose name, address and channel are taken out too.
    const sameBuyer = (delivered: unknown) =>
      JSON.parse(JSON.stringify(delivered).replace(/user-[0-9a-f-]{36}/g, "user-<id>").replace(/card-buyer[- ][0-9a-f]{8}/g, "<buyer>")) as unknown;
    const oneStatement = sameBuyer(await deliveredFor("one statement"));
    const transaction = sameBuyer(await deliveredFor("transaction"));
    expect(oneStatement).toEqual(transaction);
    expect(JSON.stringify(oneStatement)).toContain("store-order=3a<id>=3apaid=3areceipt@");
  });

  it("is announced from its own message, once: a relay that dies before its commit leaves it to the next claim", async () => {
    const order = await cardOrder(40n);
    const [delivery] = await stripeHarness.payHeld(order.sessionId, ["checkout.session.completed"]);
    const publishNormally = await app.crashNextRelayPass(app.pool, trigger);
    try {
      expect(await stripeHarness.outcomeOf(delivery!)).toBe("processed");
      const paidMessage = async () =>
        (await app.pool.query("SELECT delivered_at IS NOT NULL AS delivered FROM outbox_messages WHERE key = $1", [`store-order:${order.orderId}:paid`])).rows;
      expect(await paidMessage()).toEqual([{ delivered: false }]);
      await expect(app.deliverDue(app.pool)).rejects.toThrow();
      expect(await paidMessage()).toEqual([{ delivered: false }]);

      await app.deliverAllDue(app.pool);
      expect(await paidMessage()).toEqual([{ delivered: true }]);
      for (const subject of ["Receipt: Card item", "New order: Card item"]) {
        const copies = sent.filter((email) => email.subject === subject && email.text.includes(order.buyer.displayName));
        expect(copies.length).toBeGreaterThan(0);
        expect(new Set(copies.map((email) => email.messageId)).size).toBe(1);
      }
      const statusEvents = trigger.mock.calls.filter(([, event, data]) => event === "order.updated" && JSON.stringify(data) === JSON.stringify({ id: order.orderId, status: "PAID" }));
      expect(statusEvents.length).toBeGreaterThan(0);
      expect(new Set(statusEvents.map((call) => JSON.stringify(call))).size).toBe(1);
    } finally {
      publishNormally();
    }
  });
});
