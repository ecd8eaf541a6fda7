import { randomUUID } from "node:crypto";
import Pusher from "pusher-js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { OutgoingEmail } from "@/server/integrations/email";
import { startPusherServer } from "@/server/local/pusher/server";
import { startStripeWebhooksHarness, waitUntil, type StripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * Buying credits end to end below the browser: the real `stripe` SDK against the emulator, whose signed webhooks
 * reach the real route handler; the real `pusher` library against the local Pusher server, watched by pusher-js.
 * Environment first, app modules after (server/env parses once, at first import).
 */
const sent = vi.hoisted(() => [] as OutgoingEmail[]);
vi.mock("@/server/integrations/email", () => ({
  sendEmail: vi.fn(async (message: OutgoingEmail) => {
    sent.push(message);
  }),
}));

const API_KEY = "sk_test_purchases_int";
const WEBHOOK_SECRET = "whsec_purchases_int";

let stripeHarness: StripeWebhooksHarness;
let realtime: { url: string; close(): Promise<void> };

let app: {
  pool: import("pg").Pool;
  closeDb: () => Promise<void>;
  startCheckout: typeof import("./credit-purchases").startCheckout;
  purchaseHistoryOf: typeof import("./history").purchaseHistoryOf;
  cardSalesByCurrency: typeof import("./history").cardSalesByCurrency;
  balancesOf: typeof import("../wallet/wallet").balancesOf;
  checkInvariants: typeof import("@/server/ledger/invariants").checkInvariants;
  insertUser: typeof import("@/server/testing/factories").insertUser;
  post: typeof import("@/server/ledger/post").post;
  saleLegs: typeof import("@/server/domain/ledger").saleLegs;
  splitSale: typeof import("@/server/domain/commission").splitSale;
  stripe: typeof import("@/server/integrations/payments/stripe/client").stripe;
  /** Delivers every outbox message written so far (the worker's relay does this outside tests). */
  deliverOutbox: () => Promise<unknown>;
};

beforeAll(async () => {
  stripeHarness = await startStripeWebhooksHarness({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, emulator: { asyncPaymentDelayMs: 200 } });
  realtime = await startPusherServer({ port: 0, appId: "int", key: "int-key", secret: "int-secret" });

  const pusherUrl = new URL(realtime.url);
  Object.assign(process.env, {
    PUSHER_APP_ID: "int",
    PUSHER_KEY: "int-key",
    PUSHER_SECRET: "int-secret",
    PUSHER_HOST: pusherUrl.hostname,
    PUSHER_PORT: pusherUrl.port,
  });

  const [db, purchases, history, wallet, invariants, factories, ledgerPost, ledger, commission, stripeModule, relay] = await Promise.all([
    import("@/server/db/client"),
    import("./credit-purchases"),
    import("./history"),
    import("../wallet/wallet"),
    import("@/server/ledger/invariants"),
    import("@/server/testing/factories"),
    import("@/server/ledger/post"),
    import("@/server/domain/ledger"),
    import("@/server/domain/commission"),
    import("@/server/integrations/payments/stripe/client"),
    import("@/server/outbox/relay"),
  ]);
  app = {
    pool: db.pool,
    closeDb: db.closeDb,
    startCheckout: purchases.startCheckout,
    purchaseHistoryOf: history.purchaseHistoryOf,
    cardSalesByCurrency: history.cardSalesByCurrency,
    balancesOf: wallet.balancesOf,
    checkInvariants: invariants.checkInvariants,
    insertUser: factories.insertUser,
    post: ledgerPost.post,
    saleLegs: ledger.saleLegs,
    splitSale: commission.splitSale,
    stripe: stripeModule.stripe,
    deliverOutbox: () => relay.deliverAllDue(db.pool),
  };
});

afterAll(async () => {
  await app?.closeDb();
  await stripeHarness?.close();
  await realtime?.close();
});

async function createPackage(credits: bigint, bonus: bigint, priceMinor: bigint, currency = "usd"): Promise<string> {
  const { rows } = await app.pool.query<{ id: string }>(
    `INSERT INTO credit_packages (id, name, credits, bonus_credits, price_minor, currency, updated_at)
     VALUES (gen_random_uuid(), 'Pack', $1, $2, $3, $4, now()) RETURNING id`,
    [credits.toString(), bonus.toString(), priceMinor.toString(), currency],
  );
  return rows[0]?.id as string;
}

/** The receipts sent for one purchase (each names its purchase). */
const receiptsFor = (purchaseId: string) => sent.filter((message) => message.text.includes(`Receipt number: ${purchaseId}`));

async function purchaseRow(purchaseId: string) {
  const { rows } = await app.pool.query<{ status: string; refunded_minor: string; stripe_payment_intent_id: string | null; stripe_checkout_session_id: string }>(
    "SELECT status, refunded_minor, stripe_payment_intent_id, stripe_checkout_session_id FROM credit_purchases WHERE id = $1",
    [purchaseId],
  );
  return rows[0];
}

async function creditTransactions(purchaseId: string): Promise<number> {
  const { rows } = await app.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM ledger_transactions WHERE metadata->>'purchaseId' = $1 AND kind = 'PURCHASE'",
    [purchaseId],
  );
  return rows[0]?.n ?? 0;
}

async function expectBooksBalance() {
  const failed = (await app.checkInvariants(app.pool)).filter((result) => !result.passed);
  expect(failed).toEqual([]);
}

/** A member with a paid purchase of `credits` (bought for `priceMinor`), credited through the webhook. */
async function paidPurchase(credits = 1000n, priceMinor = 999n, currency = "usd") {
  const member = await app.insertUser(app.pool, "MEMBER");
  const packageId = await createPackage(credits, 0n, priceMinor, currency);
  const { purchaseId } = await app.startCheckout({ userId: member, packageId, idempotencyKey: randomUUID() });
  const sessionId = (await purchaseRow(purchaseId))?.stripe_checkout_session_id as string;
  await stripeHarness.control(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
  await waitUntil(async () => (await purchaseRow(purchaseId))?.status === "PAID", "the purchase to be paid");
  const paymentIntent = (await purchaseRow(purchaseId))?.stripe_payment_intent_id as string;
  return { member, purchaseId, sessionId, paymentIntent };
}

describe("buying credits with Stripe Checkout", () => {
  it("credits package plus bonus once the webhook arrives, and tells the member's open pages", async () => {
    const member = await app.insertUser(app.pool, "MEMBER");
    const packageId = await createPackage(500n, 50n, 499n);

    const socket = new Pusher("int-key", {
      cluster: "local",
      wsHost: new URL(realtime.url).hostname,
      wsPort: Number(new URL(realtime.url).port),
      forceTLS: false,
      enabledTransports: ["ws"],
      channelAuthorization: {
        endpoint: "unused",
        transport: "ajax",
        customHandler: async ({ socketId, channelName }, callback) => {
          const { authorizeChannel } = await import("@/server/integrations/pusher");
          callback(null, authorizeChannel(socketId, channelName));
        },
      },
    });
    const updates: { available: string }[] = [];
    try {
      const channel = socket.subscribe(`private-user-${member}`);
      await new Promise<void>((resolve) => channel.bind("pusher:subscription_succeeded", () => resolve()));
      channel.bind("wallet.updated", (payload: { available: string }) => updates.push(payload));

      const key = randomUUID();
      const started = await app.startCheckout({ userId: member, packageId, idempotencyKey: key });
      expect(started.checkoutUrl).toMatch(/\/pay\/cs_test_/);
      const again = await app.startCheckout({ userId: member, packageId, idempotencyKey: key });
      expect(again).toEqual(started);
      const otherPackage = await createPackage(100n, 0n, 99n);
      await expect(app.startCheckout({ userId: member, packageId: otherPackage, idempotencyKey: key })).rejects.toMatchObject({ code: "CONFLICT" });

      expect((await purchaseRow(started.purchaseId))?.status).toBe("PENDING");
      expect((await app.balancesOf(member)).available).toBe(0n);

      const session = await app.stripe().checkout.sessions.retrieve((await purchaseRow(started.purchaseId))?.stripe_checkout_session_id as string);
      await stripeHarness.control(`/checkout/sessions/${session.id}/pay`, { outcome: "pay" });

      await waitUntil(async () => (await app.balancesOf(member)).available === 550n, "the credits");
      await app.deliverOutbox();
      await waitUntil(async () => updates.some((u) => u.available === "550"), "the wallet update over Pusher");
      expect((await purchaseRow(started.purchaseId))?.status).toBe("PAID");
      expect(await creditTransactions(started.purchaseId)).toBe(1);
      await expectBooksBalance();
    } finally {
      socket.disconnect();
    }
  });

  it("a delayed payment credits only when it succeeds, and a failed one never", async () => {
    const member = await app.insertUser(app.pool, "MEMBER");
    const packageId = await createPackage(300n, 0n, 299n);
    const good = await app.startCheckout({ userId: member, packageId, idempotencyKey: randomUUID() });
    const bad = await app.startCheckout({ userId: member, packageId, idempotencyKey: randomUUID() });
    await stripeHarness.control(`/checkout/sessions/${(await purchaseRow(good.purchaseId))?.stripe_checkout_session_id}/pay`, { outcome: "delayed" });
    await stripeHarness.control(`/checkout/sessions/${(await purchaseRow(bad.purchaseId))?.stripe_checkout_session_id}/pay`, { outcome: "delayed_fail" });

    await waitUntil(async () => (await purchaseRow(good.purchaseId))?.status === "PAID", "the delayed payment");
    await waitUntil(async () => (await purchaseRow(bad.purchaseId))?.status === "FAILED", "the failed payment");
    expect((await app.balancesOf(member)).available).toBe(300n);
    expect(await creditTransactions(bad.purchaseId)).toBe(0);
    await expectBooksBalance();
  });

  it("every event replayed three times changes nothing", async () => {
    const { member, purchaseId, paymentIntent } = await paidPurchase(1000n, 1000n);
    await app.stripe().refunds.create({ payment_intent: paymentIntent, amount: 250 });
    await waitUntil(async () => (await purchaseRow(purchaseId))?.status === "PARTIALLY_REFUNDED", "the refund");
    expect((await app.balancesOf(member)).available).toBe(750n);

    const events = (await stripeHarness.events()).filter((event) => JSON.stringify(event.data.object).includes(paymentIntent));
    expect(events.length).toBeGreaterThan(3);
    const processedBefore = stripeHarness.outcomes.length;
    for (let round = 0; round < 3; round++) {
      for (const event of events) await stripeHarness.control(`/resend/${event.id}`);
    }
    await waitUntil(async () => stripeHarness.outcomes.length >= processedBefore + events.length * 3, "the replays");
    expect(stripeHarness.outcomes.slice(processedBefore).every((o) => o.status === 200)).toBe(true);
    expect(await creditTransactions(purchaseId)).toBe(1);
    expect((await app.balancesOf(member)).available).toBe(750n);
    await app.deliverOutbox();
    expect(receiptsFor(purchaseId)).toHaveLength(1);
    await expectBooksBalance();
  });

  it("records the PaymentIntent events about a purchase's payment as ignored: the checkout settles it", async () => {
    const { member, paymentIntent } = await paidPurchase(1000n, 1000n);
    for (const type of ["payment_intent.created", "payment_intent.succeeded"]) {
      expect(await stripeHarness.answered(type, paymentIntent)).toMatchObject({ status: 200, body: expect.stringContaining('"outcome":"ignored"') });
    }
    const [succeeded] = await stripeHarness.events("payment_intent.succeeded").then((events) => events.filter((event) => event.data.object.id === paymentIntent));
    expect((await app.pool.query("SELECT 1 FROM stripe_events WHERE id = $1", [succeeded?.id])).rowCount).toBe(1);
    expect((await app.balancesOf(member)).available).toBe(1000n);
    await expectBooksBalance();
  });

  it("sends one receipt with the amount paid, the credits, the card's last four and the wallet link", async () => {
    const { purchaseId } = await paidPurchase(1000n, 999n);
    await app.deliverOutbox();
    const [receipt] = receiptsFor(purchaseId);
    expect(receipt?.subject).toBe("Receipt: 1,000 credits for $9.99");
    expect(receipt?.text).toContain("Paid: $9.99");
    expect(receipt?.text).toContain("Credits received: 1,000 credits");
    expect(receipt?.text).toContain("Paid with: Visa ending in 4242");
    expect(receipt?.text).toContain("Your wallet: http://127.0.0.1:3999/wallet");
    expect(receipt?.html).toContain('<a href="http://127.0.0.1:3999/wallet">Your wallet</a>');
  });

  it("events delivered in reverse order end in the same books", async () => {
    stripeHarness.hold();
    const member = await app.insertUser(app.pool, "MEMBER");
    const packageId = await createPackage(1000n, 100n, 1000n);
    const { purchaseId } = await app.startCheckout({ userId: member, packageId, idempotencyKey: randomUUID() });
    const sessionId = (await purchaseRow(purchaseId))?.stripe_checkout_session_id as string;
    await stripeHarness.control(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    const session = await app.stripe().checkout.sessions.retrieve(sessionId);
    const paymentIntent = String(session.payment_intent);
    await app.stripe().refunds.create({ payment_intent: paymentIntent, amount: 300 });
    await app.stripe().refunds.create({ payment_intent: paymentIntent });
    await waitUntil(async () => stripeHarness.held.filter((d) => d.body.includes('"charge.refunded"')).length === 2 && stripeHarness.held.some((d) => d.body.includes('"checkout.session.completed"')), "the held events");
    stripeHarness.release();
    expect(await purchaseRow(purchaseId)).toMatchObject({ status: "PENDING" });

    for (const delivery of [...stripeHarness.held].reverse()) {
      const response = await stripeHarness.deliver(delivery.body, delivery.signature);
      expect(response.status).toBe(200);
    }
    for (const delivery of stripeHarness.held) expect((await stripeHarness.deliver(delivery.body, delivery.signature)).status).toBe(200);

    expect(await purchaseRow(purchaseId)).toMatchObject({ status: "REFUNDED", refunded_minor: "1000" });
    expect(await creditTransactions(purchaseId)).toBe(1);
    expect((await app.balancesOf(member)).available).toBe(0n);
    await expectBooksBalance();
  });

  it("a bad signature gets 400 and changes nothing", async () => {
    const body = JSON.stringify({ id: "evt_forged", type: "checkout.session.completed", data: { object: {} } });
    const forged = app.stripe().webhooks.generateTestHeaderString({ payload: body, secret: "whsec_wrong" });
    const response = await stripeHarness.deliver(body, forged);
    expect(response.status).toBe(400);
    expect((await stripeHarness.deliver(body, "")).status).toBe(400);
    const { rowCount } = await app.pool.query("SELECT 1 FROM stripe_events WHERE id = 'evt_forged'");
    expect(rowCount).toBe(0);
  });

  it.each([
    ["null", "null"],
    ["an array", "[]"],
    ["an event without data", JSON.stringify({ id: "evt_no_data", type: "checkout.session.completed" })],
  ])("a correctly signed body that is %s gets 400, not 500, and changes nothing", async (_case, body) => {
    const signature = app.stripe().webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    const response = await stripeHarness.deliver(body, signature);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "not a Stripe event" });
    const { rowCount } = await app.pool.query("SELECT 1 FROM stripe_events WHERE id = 'evt_no_data'");
    expect(rowCount).toBe(0);
  });

  it("a correctly signed event dated an hour ahead gets 400", async () => {
    const body = JSON.stringify({ id: "evt_future", type: "checkout.session.completed", data: { object: { id: "cs_future" } } });
    const timestamp = Math.floor(Date.now() / 1000) + 3600;
    const signature = app.stripe().webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET, timestamp });
    expect((await stripeHarness.deliver(body, signature)).status).toBe(400);
    const { rowCount } = await app.pool.query("SELECT 1 FROM stripe_events WHERE id = 'evt_future'");
    expect(rowCount).toBe(0);
  });

  it("a refund of spent credits leaves the wallet negative and restricted until settled", async () => {
    const { member, paymentIntent } = await paidPurchase(1000n, 1000n);
    const performer = await app.insertUser(app.pool, "PERFORMER");
    await app.post(app.pool, {
      kind: "TIP",
      idempotencyKey: randomUUID(),
      actorId: member,
      description: "Tip",
      legs: app.saleLegs(member, performer, app.splitSale(800n, 7000)),
    });
    await app.stripe().refunds.create({ payment_intent: paymentIntent });
    await waitUntil(async () => (await app.balancesOf(member)).available === -800n, "the clawback");
    expect((await app.balancesOf(member)).restricted).toBe(true);
    await expect(
      app.post(app.pool, {
        kind: "TIP",
        idempotencyKey: randomUUID(),
        actorId: member,
        description: "Tip",
        legs: app.saleLegs(member, performer, app.splitSale(1n, 7000)),
      }),
    ).rejects.toMatchObject({ code: "ACCOUNT_RESTRICTED" });
    await expectBooksBalance();
  });

  it("a dispute takes the credits back, and gives them back when won", async () => {
    const { member, purchaseId, paymentIntent } = await paidPurchase(1000n, 1000n);
    const dispute = await stripeHarness.control("/disputes", { payment_intent: paymentIntent });
    await waitUntil(async () => (await purchaseRow(purchaseId))?.status === "DISPUTED", "the dispute");
    expect((await app.balancesOf(member)).available).toBe(0n);
    await stripeHarness.control(`/disputes/${String(dispute.id)}/close`, { outcome: "won" });
    await waitUntil(async () => (await purchaseRow(purchaseId))?.status === "PAID", "the dispute to close");
    expect((await app.balancesOf(member)).available).toBe(1000n);

    const lost = await paidPurchase(400n, 400n);
    const lostDispute = await stripeHarness.control("/disputes", { payment_intent: lost.paymentIntent });
    await stripeHarness.control(`/disputes/${String(lostDispute.id)}/close`, { outcome: "lost" });
    await waitUntil(async () => (await stripeHarness.events("charge.dispute.closed")).some((e) => e.data.object.id === lostDispute.id), "the close event");
    await waitUntil(async () => stripeHarness.outcomes.some((o) => o.body.includes("processed")) && (await purchaseRow(lost.purchaseId))?.status === "DISPUTED", "the lost dispute");
    expect((await app.balancesOf(lost.member)).available).toBe(0n);
    await expectBooksBalance();
  });

  it("takes the purchase from the session it re-reads, not from the event's payload", async () => {
    const paid = await paidPurchase(300n, 300n);
    const other = await app.insertUser(app.pool, "MEMBER");
    const { purchaseId: pendingId } = await app.startCheckout({ userId: other, packageId: await createPackage(300n, 0n, 300n), idempotencyKey: randomUUID() });
    const count = await creditTransactions(paid.purchaseId);

    // A signed event about the paid session whose payload claims the other member's pending purchase.
    const body = JSON.stringify({
      id: `evt_${randomUUID().replaceAll("-", "")}`,
      object: "event",
      type: "checkout.session.completed",
      data: { object: { id: paid.sessionId, object: "checkout.session", metadata: { purchase_id: pendingId }, client_reference_id: pendingId } },
    });
    const signature = app.stripe().webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    expect((await stripeHarness.deliver(body, signature)).status).toBe(200);

    expect((await purchaseRow(pendingId))?.status).toBe("PENDING");
    expect(await creditTransactions(pendingId)).toBe(0);
    expect((await app.balancesOf(other)).available).toBe(0n);
    expect(await creditTransactions(paid.purchaseId)).toBe(count);
    await expectBooksBalance();
  });

  it("stores the checkout session when the answer that created it was lost, and credits the payment", async () => {
    const member = await app.insertUser(app.pool, "MEMBER");
    const { purchaseId } = await app.startCheckout({ userId: member, packageId: await createPackage(400n, 0n, 400n), idempotencyKey: randomUUID() });
    const sessionId = (await purchaseRow(purchaseId))?.stripe_checkout_session_id as string;
    await app.pool.query("UPDATE credit_purchases SET stripe_checkout_session_id = NULL WHERE id = $1", [purchaseId]);

    await stripeHarness.control(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    await waitUntil(async () => (await purchaseRow(purchaseId))?.status === "PAID", "the purchase to be paid");

    expect((await purchaseRow(purchaseId))?.stripe_checkout_session_id).toBe(sessionId);
    expect((await app.balancesOf(member)).available).toBe(400n);
    expect(await creditTransactions(purchaseId)).toBe(1);
    await expectBooksBalance();
  });

  it.each([
    ["another checkout session", "stripe_checkout_session_id = 'cs_test_not_this_one'", "checkoutSessionId"],
    ["another amount", "price_minor = price_minor + 1", "amountMinor"],
    ["another currency", "currency = 'eur'", "currency"],
  ])("a paid session that does not match the stored purchase (%s) credits nothing and is shown to admins", async (_case, change, field) => {
    const member = await app.insertUser(app.pool, "MEMBER");
    const { purchaseId } = await app.startCheckout({ userId: member, packageId: await createPackage(500n, 0n, 500n), idempotencyKey: randomUUID() });
    const sessionId = (await purchaseRow(purchaseId))?.stripe_checkout_session_id as string;
    await app.pool.query(`UPDATE credit_purchases SET ${change} WHERE id = $1`, [purchaseId]);

    await stripeHarness.control(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    const answer = await stripeHarness.answered("checkout.session.completed", sessionId);

    expect(answer).toMatchObject({ status: 200, body: expect.stringContaining('"outcome":"mismatch"') as string });
    expect((await purchaseRow(purchaseId))?.status).toBe("PENDING");
    expect(await creditTransactions(purchaseId)).toBe(0);
    expect((await app.balancesOf(member)).available).toBe(0n);
    const { rows } = await app.pool.query<{ actor_id: string | null; details: { differs: string[]; eventType: string } }>(
      "SELECT actor_id, details FROM audit_log WHERE action = 'stripe.payment_mismatch' AND target_type = 'credit_purchase' AND target_id = $1",
      [purchaseId],
    );
    expect(rows).toEqual([{ actor_id: null, details: expect.objectContaining({ differs: [field], eventType: "checkout.session.completed" }) as unknown }]);
    await expectBooksBalance();
  });

  it("a failure while processing answers 500, changes nothing, and the retry succeeds", async () => {
    stripeHarness.hold();
    const member = await app.insertUser(app.pool, "MEMBER");
    const packageId = await createPackage(200n, 0n, 199n);
    const { purchaseId } = await app.startCheckout({ userId: member, packageId, idempotencyKey: randomUUID() });
    await stripeHarness.control(`/checkout/sessions/${(await purchaseRow(purchaseId))?.stripe_checkout_session_id}/pay`, { outcome: "pay" });
    const completed = await waitUntil(async () => stripeHarness.held.find((d) => d.body.includes('"checkout.session.completed"')), "the event");
    stripeHarness.release();

    await app.pool.query("ALTER TABLE credit_purchases RENAME TO credit_purchases_away");
    try {
      const failed = await stripeHarness.deliver(completed.body, completed.signature);
      expect(failed.status).toBe(500);
      expect(await failed.json()).not.toHaveProperty("stack");
    } finally {
      await app.pool.query("ALTER TABLE credit_purchases_away RENAME TO credit_purchases");
    }
    expect((await app.balancesOf(member)).available).toBe(0n);
    const eventId = (JSON.parse(completed.body) as { id: string }).id;
    expect((await app.pool.query("SELECT 1 FROM stripe_events WHERE id = $1", [eventId])).rowCount).toBe(0);

    expect((await stripeHarness.deliver(completed.body, completed.signature)).status).toBe(200);
    expect((await app.balancesOf(member)).available).toBe(200n);
    await expectBooksBalance();
  });
});

describe("a package priced in euros", () => {
  it("is paid in eur through Checkout and credits its credits once, however often the events are replayed", async () => {
    const { member, purchaseId, sessionId, paymentIntent } = await paidPurchase(1000n, 949n, "eur");

    const session = await app.stripe().checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ currency: "eur", amount_total: 949 });
    const charged = await app.stripe().paymentIntents.retrieve(paymentIntent);
    expect(charged).toMatchObject({ currency: "eur", amount_received: 949 });
    expect((await app.balancesOf(member)).available).toBe(1000n);
    const { rows: legs } = await app.pool.query<{ currency: string }>(
      `SELECT DISTINCT e.currency FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
        WHERE t.metadata->>'purchaseId' = $1`,
      [purchaseId],
    );
    expect(legs).toEqual([{ currency: "CRD" }]);

    const events = (await stripeHarness.events()).filter((event) => JSON.stringify(event.data.object).includes(paymentIntent));
    const processedBefore = stripeHarness.outcomes.length;
    for (let round = 0; round < 3; round++) {
      for (const event of events) await stripeHarness.control(`/resend/${event.id}`);
    }
    await waitUntil(async () => stripeHarness.outcomes.length >= processedBefore + events.length * 3, "the replays");
    expect(stripeHarness.outcomes.slice(processedBefore).every((o) => o.status === 200)).toBe(true);
    expect(await creditTransactions(purchaseId)).toBe(1);
    expect((await app.balancesOf(member)).available).toBe(1000n);

    await app.deliverOutbox();
    const receipts = receiptsFor(purchaseId);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.subject).toBe("Receipt: 1,000 credits for €9.49");
    expect(receipts[0]?.text).toContain("Paid: €9.49");
    await expectBooksBalance();
  });

  it("a partial euro refund takes back the refunded share of the credits, and the rest on the full refund", async () => {
    const { member, purchaseId, paymentIntent } = await paidPurchase(1000n, 949n, "eur");

    // €3.00 of €9.49 is 316.1 of the 1,000 credits: floor(1000 x 300 / 949) = 316 go back; the full refund takes the rest.
    await app.stripe().refunds.create({ payment_intent: paymentIntent, amount: 300 });
    await waitUntil(async () => (await purchaseRow(purchaseId))?.status === "PARTIALLY_REFUNDED", "the partial refund");
    expect(await purchaseRow(purchaseId)).toMatchObject({ refunded_minor: "300" });
    expect((await app.balancesOf(member)).available).toBe(684n);

    await app.stripe().refunds.create({ payment_intent: paymentIntent });
    await waitUntil(async () => (await purchaseRow(purchaseId))?.status === "REFUNDED", "the full refund");
    expect(await purchaseRow(purchaseId)).toMatchObject({ refunded_minor: "949" });
    expect((await app.balancesOf(member)).available).toBe(0n);
    await expectBooksBalance();
  });

  it("a member's purchase history and the books' card sales total each currency apart", async () => {
    const totalsOf = async () => new Map((await app.cardSalesByCurrency()).map((total) => [total.currency, total]));
    const before = await totalsOf();
    const member = await app.insertUser(app.pool, "MEMBER");
    const dollars = await app.startCheckout({ userId: member, packageId: await createPackage(100n, 0n, 999n, "usd"), idempotencyKey: randomUUID() });
    const euros = await app.startCheckout({ userId: member, packageId: await createPackage(100n, 0n, 949n, "eur"), idempotencyKey: randomUUID() });
    const unpaid = await app.startCheckout({ userId: member, packageId: await createPackage(100n, 0n, 4699n, "eur"), idempotencyKey: randomUUID() });
    for (const { purchaseId } of [dollars, euros]) {
      await stripeHarness.control(`/checkout/sessions/${(await purchaseRow(purchaseId))?.stripe_checkout_session_id}/pay`, { outcome: "pay" });
      await waitUntil(async () => (await purchaseRow(purchaseId))?.status === "PAID", "the payment");
    }
    await app.stripe().refunds.create({ payment_intent: (await purchaseRow(euros.purchaseId))?.stripe_payment_intent_id as string, amount: 300 });
    await waitUntil(async () => (await purchaseRow(euros.purchaseId))?.status === "PARTIALLY_REFUNDED", "the refund");

    const history = await app.purchaseHistoryOf(member);
    expect(history.purchases.map((line) => [line.id, line.currency, line.priceMinor, line.refundedMinor, line.status])).toEqual([
      [unpaid.purchaseId, "eur", 4699n, 0n, "PENDING"],
      [euros.purchaseId, "eur", 949n, 300n, "PARTIALLY_REFUNDED"],
      [dollars.purchaseId, "usd", 999n, 0n, "PAID"],
    ]);
    expect(history.totals).toEqual([
      { currency: "eur", payments: 1, paidMinor: 949n, refundedMinor: 300n, netMinor: 649n, disputed: 0 },
      { currency: "usd", payments: 1, paidMinor: 999n, refundedMinor: 0n, netMinor: 999n, disputed: 0 },
    ]);

    const after = await totalsOf();
    const grew = (currency: string, field: "paidMinor" | "refundedMinor") => (after.get(currency)?.[field] ?? 0n) - (before.get(currency)?.[field] ?? 0n);
    expect([grew("eur", "paidMinor"), grew("eur", "refundedMinor"), grew("usd", "paidMinor"), grew("usd", "refundedMinor")]).toEqual([949n, 300n, 999n, 0n]);
  });

  it("a package left in a currency the shop no longer takes is not sold", async () => {
    const member = await app.insertUser(app.pool, "MEMBER");
    const packageId = await createPackage(100n, 0n, 999n, "gbp");
    await expect(app.startCheckout({ userId: member, packageId, idempotencyKey: randomUUID() })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
