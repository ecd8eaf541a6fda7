import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import type { OutgoingEmail } from "@/server/integrations/email";
import { type StripeWebhooksHarness, type WebhookDelivery, startStripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * A payment request paid by card: the common case (a paid checkout for a request still pending and not past its
 * expiry, whose session, amount and currency match) is one statement (paidCheckoutSql in card-settlement.ts);
 * everything else goes through the transaction it replaced (settleRequestInTransaction), which stays the reference.
 * The real `stripe` SDK against the emulator, its signed webhooks delivered to the real route, on real PostgreSQL.
 * Environment first, app modules after (server/env parses once, at first import).
 */
const API_KEY = "sk_test_request_card_settle";
const WEBHOOK_SECRET = "whsec_request_card_settle";

const trigger = vi.hoisted(() => vi.fn<(channels: string | string[], event: string, data?: unknown) => Promise<object>>(async () => ({})));
const present = vi.hoisted(() => new Map<string, Set<string>>());
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerWithPresence(trigger, (channel) => [...(present.get(channel) ?? [])]),
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
  notices: typeof import("./notices");
  roomChannel: typeof import("@/server/domain/realtime-events").roomChannel;
  setRoomOnline: typeof import("@/server/services/rooms").setRoomOnline;
  suspendUser: typeof import("../accounts").suspendUser;
};

let admin: SessionUser;
let luna: SessionUser;

beforeAll(async () => {
  stripeHarness = await startStripeWebhooksHarness({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, emulator: { asyncPaymentDelayMs: 100 } });
  const [db, api, factories, users, roundTrips, lockQueue, relayCrash, relay, payments, cardEvents, notices, events, rooms] = await Promise.all([
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
    import("./notices"),
    import("@/server/domain/realtime-events"),
    import("@/server/services/rooms"),
  ]);
  const accounts = await import("../accounts");
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
    notices,
    roomChannel: events.roomChannel,
    setRoomOnline: rooms.setRoomOnline,
    suspendUser: accounts.suspendUser,
  };
  admin = await app.makeAdmin();
  luna = await app.makePerformer(admin, "Luna Card");
  await app.callerAs(admin).commissions.set({ kind: "PAYMENT_REQUEST_SERVICE", performerShareBps: 9000 });
  await app.callerAs(admin).commissions.set({ kind: "PAYMENT_REQUEST_GOODS", performerShareBps: 9600 });
  await rooms.setRoomOnline(luna, { online: true });
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

interface CardRequest {
  requestId: string;
  sessionId: string;
  member: SessionUser;
}

/** A request of `amount` credits to a member in the performer's room (Luna's unless given), with its card checkout open. */
async function cardRequest(amount = 70n, type: "SERVICE" | "GOODS" = "SERVICE", performer: SessionUser = luna): Promise<CardRequest> {
  const member = await app.makeMember("card-fan");
  await app.fundUser(app.pool, member.id, 500n);
  const channel = app.roomChannel(performer.id);
  present.set(channel, new Set([...(present.get(channel) ?? []), member.id]));
  const request = await app.callerAs(performer).paymentRequests.send({ memberId: member.id, type, description: "A custom song, live", amount, idempotencyKey: randomUUID() });
  await app.callerAs(member).paymentRequests.payByCard({ requestId: request.id });
  const { rows } = await app.pool.query<{ stripe_checkout_session_id: string }>("SELECT stripe_checkout_session_id FROM payment_requests WHERE id = $1", [request.id]);
  return { requestId: request.id, sessionId: rows[0]!.stripe_checkout_session_id, member };
}

describe("a paid checkout of a payment request", () => {
  it("is settled in one round trip, beside the route's check that the event is new", async () => {
    const request = await cardRequest();
    const [completed] = await stripeHarness.payHeld(request.sessionId, ["checkout.session.completed"]);
    const { result, roundTrips, statements } = await app.countRoundTrips(() => stripeHarness.outcomeOf(completed!));
    expect(result).toBe("processed");
    const { rows } = await app.pool.query("SELECT status FROM payment_requests WHERE id = $1", [request.requestId]);
    expect(rows[0]).toEqual({ status: "PAID" });
    // Before the event's object is re-read from Stripe, the route looks whether the event was seen (a replay then costs no call to Stripe).
    expect(roundTrips).toBe(2);
    expect(statements[0]).toMatch(/^SELECT .*"stripe_events"/);
    expect(statements[1]).toBe("settle_payment_request_paid_checkout");
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
  if (!subject) throw new Error(`${event.type} is about nothing`);
  return { event, subject };
}

/** Everything the settlement may write about a request, with what differs by nature (ids, times) taken out. */
async function settledRows(request: CardRequest, eventIds: string[]) {
  const { rows: requests } = await app.pool.query(
    `SELECT performer_id, type, amount::text, status, closed_at IS NOT NULL AS closed, sale_transaction_id, paid_wallet_type_id, card_amount_minor::text, currency,
            stripe_checkout_session_id, stripe_payment_intent_id, late_refunded_at IS NOT NULL AS late_refunded
       FROM payment_requests WHERE id = $1`,
    [request.requestId],
  );
  const row = requests[0] as { performer_id: string; sale_transaction_id: string | null; stripe_payment_intent_id: string | null };
  const [postings, entries, lots, messages, recorded, audits] = await Promise.all([
    app.pool.query(
      "SELECT kind, actor_id, description, metadata, request_hash IS NOT NULL AS hashed, idempotency_key FROM ledger_transactions WHERE idempotency_key LIKE $1 ORDER BY id",
      [`payment-request:${request.requestId}:%`],
    ),
    app.pool.query(
      `SELECT t.kind, a.code, e.amount::text FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id JOIN ledger_transactions t ON t.id = e.transaction_id
        WHERE t.idempotency_key LIKE $1 ORDER BY t.id, a.code`,
      [`payment-request:${request.requestId}:%`],
    ),
    app.pool.query("SELECT performer_id, amount::text, remaining::text, matures_at - created_at AS hold FROM earnings_lots WHERE transaction_id = $1", [row.sale_transaction_id]),
    app.pool.query<{ key: string; kind: string; payload: Record<string, unknown> }>("SELECT key, kind, payload FROM outbox_messages WHERE key LIKE $1 ORDER BY id", [
      `payment-request:${request.requestId}:%`,
    ]),
    app.pool.query("SELECT type FROM stripe_events WHERE id = ANY($1::text[]) ORDER BY type", [eventIds]),
    app.pool.query("SELECT action, details - 'eventId' AS details FROM audit_log WHERE target_id = $1 ORDER BY id", [request.requestId]),
  ]);
  const paidByCardInOneRow =
    messages.rows.some((message) => message.kind === "payment-request-paid") && postings.rows.some((posting) => "cardPaymentId" in (posting.metadata as object));
  const announced = [];
  for (const message of messages.rows) {
    if (message.kind !== "payment-request-paid") announced.push(message);
    else for (const { key, kind, ...payload } of (await app.notices.paidRequestAnnouncements(app.pool, request.requestId)) ?? []) announced.push({ key, kind, payload });
  }
  const { member } = request;
  const ids = [request.requestId, row.performer_id, member.id, member.email, member.displayName, member.username, request.sessionId, row.stripe_payment_intent_id ?? "", ...eventIds];
  // Sorted once the ids are out: the member's and the performer's accounts sort by their ids otherwise.
  const sortedEntries = (withoutIds(entries.rows, ids) as object[]).map((entry) => JSON.stringify(entry)).sort();
  return {
    path: (paidByCardInOneRow ? "one statement" : "transaction") as Path,
    rows: withoutIds(
      {
        request: { ...row, sale_transaction_id: row.sale_transaction_id ? "sale" : null },
        postings: postings.rows,
        entries: sortedEntries,
        lots: lots.rows,
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
  type?: "SERVICE" | "GOODS";
  /** Who asks for the payment, Luna unless given. */
  performer?: () => Promise<SessionUser>;
  /** The events about the checkout to hold, delivered in this order; a name twice is the same event delivered again. */
  deliver: string[];
  outcome?: "pay" | "delayed" | "delayed_fail";
  /** What changed at us between the payment and its events. */
  arrange?: (request: CardRequest) => Promise<unknown>;
  outcomes: string[];
  /** The path the statement run ends on: the statement settles only the common case. */
  path: Path;
}

/** One request settled by one path from a fresh arrangement: the answers to its events, and its rows and announcements. */
async function settleVia(path: Path, each: SettleCase) {
  const performer = await each.performer?.();
  const request = await cardRequest(70n, each.type, performer);
  const types = [...new Set(each.deliver)];
  const held = await stripeHarness.payHeld(request.sessionId, types, each.outcome);
  await each.arrange?.(request);
  const outcomes: string[] = [];
  const eventIds: string[] = [];
  for (const type of each.deliver) {
    const { event, subject } = await eventOf(held[types.indexOf(type)]!);
    eventIds.push(event.id);
    const settle = path === "one statement" ? app.cardEvents.handlePaymentRequestEvent : app.cardEvents.settleRequestInTransaction;
    // A refusal fails the webhook (Stripe retries it); its words say which.
    outcomes.push(await settle(event, request.requestId, subject).catch((error: Error) => `failed: ${error.message}`));
  }
  return { outcomes, ...(await settledRows(request, eventIds)) };
}

const set = (column: string, value: (request: CardRequest) => string | null) => (request: CardRequest) =>
  app.pool.query(`UPDATE payment_requests SET ${column} = $2 WHERE id = $1`, [request.requestId, value(request)]);

describe("the one statement settles a paid checkout exactly as the transaction", () => {
  const completed = "checkout.session.completed";
  const cases: SettleCase[] = [
    { name: "a service", deliver: [completed], outcomes: ["processed"], path: "one statement" },
    { name: "goods", type: "GOODS", deliver: [completed], outcomes: ["processed"], path: "one statement" },
    { name: "the same event twice", deliver: [completed, completed], outcomes: ["processed", "duplicate"], path: "one statement" },
    {
      name: "another event about the checkout first, the request then already paid",
      outcome: "delayed",
      deliver: ["checkout.session.async_payment_succeeded", completed],
      outcomes: ["processed", "processed"],
      path: "one statement",
    },
    { name: "an amount that differs", deliver: [completed], arrange: set("card_amount_minor", () => "701"), outcomes: ["mismatch"], path: "transaction" },
    { name: "a currency that differs", deliver: [completed], arrange: set("currency", () => "eur"), outcomes: ["mismatch"], path: "transaction" },
    { name: "the same currency in capitals", deliver: [completed], arrange: set("currency", () => "USD"), outcomes: ["processed"], path: "one statement" },
    {
      name: "another session",
      deliver: [completed],
      arrange: set("stripe_checkout_session_id", (request) => `cs_test_another_${request.requestId}`),
      outcomes: ["mismatch"],
      path: "transaction",
    },
    { name: "no session stored yet (its answer lost)", deliver: [completed], arrange: set("stripe_checkout_session_id", () => null), outcomes: ["processed"], path: "transaction" },
    {
      name: "paid from the wallet first (the card refunded in full)",
      deliver: [completed],
      arrange: (request) => app.callerAs(request.member).paymentRequests.payFromWallet({ requestId: request.requestId }),
      outcomes: ["processed"],
      path: "transaction",
    },
    {
      name: "declined first (the card refunded in full)",
      deliver: [completed],
      arrange: (request) => app.callerAs(request.member).paymentRequests.decline({ requestId: request.requestId }),
      outcomes: ["processed"],
      path: "transaction",
    },
    {
      name: "past its expiry (expired, the card refunded in full)",
      deliver: [completed],
      arrange: (request) => app.pool.query("UPDATE payment_requests SET expires_at = now() - interval '1 second' WHERE id = $1", [request.requestId]),
      outcomes: ["processed"],
      path: "transaction",
    },
    {
      name: "a performer suspended since (the webhook fails, nothing is written)",
      performer: async () => {
        const performer = await app.makePerformer(admin, "Soon Gone");
        await app.setRoomOnline(performer, { online: true });
        return performer;
      },
      deliver: [completed],
      arrange: async (request) => {
        const { rows } = await app.pool.query<{ performer_id: string }>("SELECT performer_id FROM payment_requests WHERE id = $1", [request.requestId]);
        await app.suspendUser(admin, { userId: rows[0]!.performer_id, reason: "Test" });
      },
      outcomes: ["failed: Soon Gone is suspended and cannot be paid right now."],
      path: "transaction",
    },
    { name: "a payment that failed", outcome: "delayed_fail", deliver: ["checkout.session.async_payment_failed"], outcomes: ["processed"], path: "transaction" },
  ];

  it.each(cases)("$name", async (each) => {
    const oneStatement = await settleVia("one statement", each);
    const transaction = await settleVia("transaction", each);
    expect(oneStatement).toMatchObject({ outcomes: each.outcomes, path: each.path });
    expect(transaction).toMatchObject({ outcomes: each.outcomes, path: "transaction" });
    expect({ ...oneStatement, path: undefined }).toEqual({ ...transaction, path: undefined });
  });
});

/** The sale postings of a request. */
async function salesOf(requestId: string): Promise<number> {
  const { rows } = await app.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_transactions WHERE idempotency_key = $1", [`payment-request:${requestId}:sale`]);
  return rows[0]!.n;
}

async function statusOf(requestId: string): Promise<string> {
  const { rows } = await app.pool.query<{ status: string }>("SELECT status FROM payment_requests WHERE id = $1", [requestId]);
  return rows[0]!.status;
}

describe("a paid checkout delivered at once", () => {
  it("six times, through the route: one posting, one answer processed and the others duplicate", async () => {
    const request = await cardRequest();
    const [delivery] = await stripeHarness.payHeld(request.sessionId, ["checkout.session.completed"]);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => stripeHarness.outcomeOf(delivery!)));
    expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "duplicate", "duplicate", "duplicate", "processed"]);
    expect(await salesOf(request.requestId)).toBe(1);
    expect(await statusOf(request.requestId)).toBe("PAID");
  });

  it("racing the checkout's other event, each delivered three times: one posting, every event processed once", async () => {
    const request = await cardRequest();
    const deliveries = await stripeHarness.payHeld(request.sessionId, ["checkout.session.completed", "checkout.session.async_payment_succeeded"], "delayed");
    const outcomes = await Promise.all(deliveries.flatMap((delivery) => Array.from({ length: 3 }, () => stripeHarness.outcomeOf(delivery))));
    expect(outcomes.filter((outcome) => outcome === "processed")).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome === "duplicate")).toHaveLength(4);
    expect(await salesOf(request.requestId)).toBe(1);
    expect(await statusOf(request.requestId)).toBe("PAID");
  });

  it("through the statement and through the transaction, queued for the request in that order: one posting, no deadlock", async () => {
    // The statement locks the request, then records the event; the transaction does both in the same order, so
    // the one that comes second waits for the first and finds the event recorded, instead of each holding what the
    // other waits for.
    const request = await cardRequest();
    const [delivery] = await stripeHarness.payHeld(request.sessionId, ["checkout.session.completed"]);
    const { event, subject } = await eventOf(delivery!);
    const outcomes = await app.raceQueuedBehindRowLock(
      app.pool,
      { text: "SELECT 1 FROM payment_requests WHERE id = $1 FOR UPDATE", values: [request.requestId] },
      () => app.cardEvents.handlePaymentRequestEvent(event, request.requestId, subject),
      () => app.cardEvents.settleRequestInTransaction(event, request.requestId, subject),
    );
    expect(outcomes).toEqual([
      { status: "fulfilled", value: "processed" },
      { status: "fulfilled", value: "duplicate" },
    ]);
    expect(await salesOf(request.requestId)).toBe(1);
    expect(await statusOf(request.requestId)).toBe("PAID");
  });

  it("racing a payment from the wallet: one posting, and a card that paid for nothing is refunded", async () => {
    const request = await cardRequest();
    const [delivery] = await stripeHarness.payHeld(request.sessionId, ["checkout.session.completed"]);
    const [card, wallet] = await Promise.allSettled([stripeHarness.outcomeOf(delivery!), app.callerAs(request.member).paymentRequests.payFromWallet({ requestId: request.requestId })]);
    expect(card).toEqual({ status: "fulfilled", value: "processed" });
    expect(await salesOf(request.requestId)).toBe(1);
    expect(await statusOf(request.requestId)).toBe("PAID");
    const refunds = await app.pool.query("SELECT 1 FROM outbox_messages WHERE kind = 'card-refund' AND key LIKE $1", [`payment-request:${request.requestId}:late-refund:%`]);
    expect(refunds.rows).toHaveLength(wallet.status === "fulfilled" ? 1 : 0);
  });
});

describe("what a request's card payment announces", () => {
  /** The emails and realtime events the relay sent for one request settled by `path`, its ids taken out. */
  async function deliveredFor(path: Path) {
    const result = await settleVia(path, { name: path, deliver: ["checkout.session.completed"], outcomes: ["processed"], path });
    expect(result.path).toBe(path);
    const { rows } = await app.pool.query<{ id: string; member_id: string }>("SELECT id, member_id FROM payment_requests WHERE status = 'PAID' ORDER BY closed_at DESC LIMIT 1");
    sent.length = 0;
    trigger.mockClear();
    await app.deliverAllDue(app.pool);
    const events = trigger.mock.calls.map(([channels, event, data]) => ({ channels, event, data: event === "wallet.updated" ? "(balances)" : data }));
    const delivered = JSON.stringify({ emails: sent, events }).replace(/card-fan[- ][0-9a-f]{8}/g, "<member>");
    return withoutIds(JSON.parse(delivered), [rows[0]!.id, rows[0]!.member_id]);
  }

  it("is delivered with the same keys and content as the transaction's messages", async () => {
    const oneStatement = await deliveredFor("one statement");
    const transaction = await deliveredFor("transaction");
    expect(oneStatement).toEqual(transaction);
    expect(JSON.stringify(oneStatement)).toContain("payment-request=3a<id>=3apaid=3areceipt=3amember@");
    expect(JSON.stringify(oneStatement)).toContain("Paid by card: $7.00 (70 credits)");
  });

  it("is announced from its own message, once: a relay that dies before its commit leaves it to the next claim", async () => {
    const request = await cardRequest();
    const [delivery] = await stripeHarness.payHeld(request.sessionId, ["checkout.session.completed"]);
    const publishNormally = await app.crashNextRelayPass(app.pool, trigger);
    try {
      expect(await stripeHarness.outcomeOf(delivery!)).toBe("processed");
      const paidMessage = async () =>
        (await app.pool.query("SELECT delivered_at IS NOT NULL AS delivered FROM outbox_messages WHERE key = $1", [`payment-request:${request.requestId}:paid`])).rows;
      expect(await paidMessage()).toEqual([{ delivered: false }]);
      await expect(app.deliverDue(app.pool)).rejects.toThrow();
      expect(await paidMessage()).toEqual([{ delivered: false }]);

      await app.deliverAllDue(app.pool);
      expect(await paidMessage()).toEqual([{ delivered: true }]);
      for (const to of [request.member.email, luna.email]) {
        const copies = sent.filter((email) => email.to === to && email.text.includes(request.member.displayName));
        expect(copies.length).toBeGreaterThan(0);
        expect(new Set(copies.map((email) => email.messageId)).size).toBe(1);
      }
      const updates = trigger.mock.calls.filter(
        ([, event, data]) => event === "payment_request.updated" && JSON.stringify(data).includes(request.requestId) && (data as { change: string }).change === "paid",
      );
      expect(updates.length).toBeGreaterThan(0);
      expect(new Set(updates.map((call) => JSON.stringify(call))).size).toBe(1);
    } finally {
      publishNormally();
    }
  });
});
