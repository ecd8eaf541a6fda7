import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import type { OutgoingEmail } from "@/server/integrations/email";
import { startStripeWebhooksHarness, waitUntil, type StripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * Store orders paid partly from the wallet and partly by card, below the browser: the real `stripe` SDK against
 * the emulator, whose signed webhooks reach the real route handler, on real PostgreSQL. Environment first, app
 * modules after (server/env parses once, at first import).
 */
const API_KEY = "sk_test_store_int";
const WEBHOOK_SECRET = "whsec_store_int";

const trigger = vi.hoisted(() => vi.fn(async () => ({})));
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
  walletBalances: typeof import("@/server/ledger/balances").walletBalances;
  checkInvariants: typeof import("@/server/ledger/invariants").checkInvariants;
  fundUser: typeof import("@/server/testing/factories").fundUser;
  setSetting: typeof import("../settings/settings").setSetting;
  stripe: typeof import("@/server/integrations/payments/stripe/client").stripe;
  makeAdmin: typeof import("@/server/testing/users").makeAdmin;
  makeMember: typeof import("@/server/testing/users").makeMember;
  makePerformer: typeof import("@/server/testing/users").makePerformer;
  statusEventsOf: (id: string) => import("@/server/testing/status-events").SeenStatusEvent[];
  /** Delivers every outbox message written so far (the worker's relay does this outside tests). */
  deliverOutbox: () => Promise<unknown>;
  sweepOverdueOrders: typeof import("./order-endings").sweepOverdueOrders;
  post: typeof import("@/server/ledger/post").post;
};

let admin: SessionUser;
let luna: SessionUser;

beforeAll(async () => {
  stripeHarness = await startStripeWebhooksHarness({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, emulator: { asyncPaymentDelayMs: 200 } });

  const [db, api, balances, invariants, factories, settings, stripeModule, users, statusEvents, relay, checkout] = await Promise.all([
    import("@/server/db/client"),
    import("@/server/testing/api"),
    import("@/server/ledger/balances"),
    import("@/server/ledger/invariants"),
    import("@/server/testing/factories"),
    import("../settings/settings"),
    import("@/server/integrations/payments/stripe/client"),
    import("@/server/testing/users"),
    import("@/server/testing/status-events"),
    import("@/server/outbox/relay"),
    import("./order-endings"),
  ]);
  const ledgerPost = await import("@/server/ledger/post");
  app = {
    pool: db.pool,
    closeDb: db.closeDb,
    callerAs: api.callerAs,
    walletBalances: balances.walletBalances,
    checkInvariants: invariants.checkInvariants,
    fundUser: factories.fundUser,
    setSetting: settings.setSetting,
    stripe: stripeModule.stripe,
    makeAdmin: users.makeAdmin,
    makeMember: users.makeMember,
    makePerformer: users.makePerformer,
    statusEventsOf: statusEvents.recordStatusEvents(trigger, "order.updated"),
    deliverOutbox: () => relay.deliverAllDue(db.pool),
    sweepOverdueOrders: checkout.sweepOverdueOrders,
    post: ledgerPost.post,
  };
  admin = await app.makeAdmin();
  luna = await app.makePerformer(admin, "Luna Vale");
  await app.callerAs(admin).commissions.set({ kind: "STORE", performerShareBps: 8000 });
});

afterAll(async () => {
  await app?.closeDb();
  await stripeHarness?.close();
});

// What earlier tests left in the outbox is delivered before this one starts, so it can't appear in its emails.
beforeEach(async () => {
  await app.deliverOutbox();
  sent.length = 0;
});

const ADDRESS = { name: "Mia Member", line1: "1 Main Street", city: "Springfield", postalCode: "12345", country: "US" };

async function eventsAbout(objectId: string): Promise<{ id: string; type: string }[]> {
  return (await stripeHarness.events()).filter((event) => JSON.stringify(event.data.object).includes(objectId));
}

async function orderRow(orderId: string) {
  const { rows } = await app.pool.query<{
    status: string;
    wallet_part: string;
    card_part: string;
    card_amount_minor: string;
    currency: string | null;
    stripe_checkout_session_id: string | null;
    stripe_payment_intent_id: string | null;
  }>(
    "SELECT status, wallet_part, card_part, card_amount_minor, currency, stripe_checkout_session_id, stripe_payment_intent_id FROM store_orders WHERE id = $1",
    [orderId],
  );
  const row = rows[0];
  if (!row) throw new Error(`no order ${orderId}`);
  return row;
}

async function stockOf(itemId: string): Promise<number | null> {
  const { rows } = await app.pool.query<{ stock: number | null }>("SELECT stock FROM store_items WHERE id = $1", [itemId]);
  return rows[0]?.stock ?? null;
}

/** Kinds of the order's postings, in order (keys `store-order:<id>:...`). */
async function postingsOf(orderId: string): Promise<string[]> {
  const { rows } = await app.pool.query<{ kind: string; idempotency_key: string }>(
    "SELECT kind, idempotency_key FROM ledger_transactions WHERE idempotency_key LIKE $1 ORDER BY id",
    [`store-order:${orderId}:%`],
  );
  return rows.map((row) => `${row.kind} ${row.idempotency_key.split(":").at(-1)}`);
}

async function systemBalance(type: "GATEWAY_CLEARING" | "REVENUE"): Promise<bigint> {
  const { rows } = await app.pool.query<{ balance: string }>(
    `SELECT sum(a.balance + coalesce((SELECT sum(d.amount) FROM ledger_unfolded_deltas d WHERE d.account_id = a.id), 0)) AS balance
       FROM ledger_accounts a WHERE a.type = $1::"AccountType" AND a.owner_id IS NULL`,
    [type],
  );
  return BigInt(rows[0]?.balance ?? "0");
}

async function expectBooksBalance() {
  const failed = (await app.checkInvariants(app.pool)).filter((result) => !result.passed);
  expect(failed).toEqual([]);
}

async function physicalItem(price: bigint, stock: number | null) {
  return app.callerAs(luna).store.saveMyItem({ kind: "PHYSICAL", title: `Signed photo ${randomUUID().slice(0, 6)}`, description: "", price, stock, active: true });
}

async function fundedMember(credits = 1000n) {
  const member = await app.makeMember("buyer");
  await app.fundUser(app.pool, member.id, credits);
  return member;
}

/** Every event about `objectId` delivered again, `rounds` times; each must be answered 200. */
async function replayAll(objectId: string, rounds = 2) {
  const events = await eventsAbout(objectId);
  expect(events.length).toBeGreaterThan(0);
  const before = stripeHarness.outcomes.length;
  for (let round = 0; round < rounds; round++) for (const event of events) expect((await stripeHarness.controlResponse(`/resend/${event.id}`)).ok).toBe(true);
  await waitUntil(async () => stripeHarness.outcomes.length >= before + events.length * rounds, "the replays");
  expect(stripeHarness.outcomes.slice(before).every((outcome) => outcome.status === 200)).toBe(true);
}

describe("paying a store order with wallet and card", () => {
  it("holds the wallet part, then the card payment completes the order; replays change nothing", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 3);
    const revenueBefore = await systemBalance("REVENUE");
    const clearingBefore = await systemBalance("GATEWAY_CLEARING");
    const key = randomUUID();
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: key });

    expect(placed).toMatchObject({ status: "AWAITING_PAYMENT", replayed: false });
    expect(placed.checkoutUrl).toMatch(/\/pay\/cs_test_/);
    expect(await orderRow(placed.orderId)).toMatchObject({ wallet_part: "40", card_part: "60", card_amount_minor: "600", currency: "usd" });
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 960n, held: 40n });
    expect(await stockOf(item.id)).toBe(2);
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold"]);
    const again = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: key });
    expect(again).toEqual({ ...placed, replayed: true });
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
    const session = await app.stripe().checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ amount_total: 600, currency: "usd", metadata: { kind: "store_order", store_order_id: placed.orderId } });
    expect((await app.callerAs(member).store.order({ orderId: placed.orderId })).awaitingCard).toBe(true);

    expect((await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" })).ok).toBe(true);
    await stripeHarness.answered("checkout.session.completed", sessionId);
    await app.deliverOutbox();
    expect((await orderRow(placed.orderId)).status).toBe("PAID");

    const settled = async () => {
      expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 960n, held: 0n });
      expect(await stockOf(item.id)).toBe(2);
      expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale"]);
      expect(await systemBalance("REVENUE")).toBe(revenueBefore + 20n);
      expect(await systemBalance("GATEWAY_CLEARING")).toBe(clearingBefore - 60n);
      expect((await orderRow(placed.orderId)).stripe_payment_intent_id).toMatch(/^pi_/);
    };
    await settled();
    expect(sent.map((message) => message.subject)).toEqual([`Receipt: ${item.title}`, `New order: ${item.title}`]);
    expect(sent[0]?.text).toContain("By card: $6.00 (60 credits)");
    expect(sent[0]?.text).toContain("From your wallet: 40 credits");
    const order = await app.callerAs(member).store.order({ orderId: placed.orderId });
    expect(order.events.map((event) => event.status)).toEqual(["AWAITING_PAYMENT", "PAID"]);
    expect(await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: key })).toMatchObject({
      status: "PAID",
      checkoutUrl: null,
      replayed: true,
    });

    await replayAll(sessionId);
    await settled();
    await app.deliverOutbox();
    expect(sent).toHaveLength(2);
    await expectBooksBalance();
  });

  it("a card payment that fails releases the wallet part and the stock and cancels the order; replays change nothing", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 1);
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 70n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    expect(await stockOf(item.id)).toBe(0);
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;

    expect((await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "delayed_fail" })).ok).toBe(true);
    await stripeHarness.answered("checkout.session.async_payment_failed", sessionId);
    await app.deliverOutbox();
    expect((await orderRow(placed.orderId)).status).toBe("CANCELLED");

    const released = async () => {
      expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });
      expect(await stockOf(item.id)).toBe(1);
      expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold", "REVERSAL release"]);
    };
    await released();
    expect(sent.map((message) => message.subject)).toEqual([`Order cancelled: ${item.title}`]);
    expect(sent[0]?.text).toContain("The 70 credits set aside from your wallet are available again.");

    await replayAll(sessionId);
    await released();
    await expectBooksBalance();
  });

  it("the buyer cancels while the card is unpaid: the checkout is expired at Stripe and the hold released once", async () => {
    const member = await fundedMember();
    const item = await physicalItem(50n, 5);
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 2, walletPart: 30n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;

    const cancelled = await app.callerAs(member).store.cancel({ orderId: placed.orderId });

    expect(cancelled).toMatchObject({ status: "CANCELLED", canCancel: false, awaitingCard: false });
    expect((await app.stripe().checkout.sessions.retrieve(sessionId)).status).toBe("expired");
    expect((await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" })).ok).toBe(false);
    await stripeHarness.answered("checkout.session.expired", sessionId);
    await app.deliverOutbox();
    await replayAll(sessionId);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });
    expect(await stockOf(item.id)).toBe(5);
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold", "REVERSAL release"]);
    const other = await app.makeMember("stranger");
    const refusal = await app.callerAs(other).store.cancel({ orderId: placed.orderId }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: "NOT_FOUND" });
    await expectBooksBalance();
  });

  it("events delivered in reverse order, then again in order, end in the same books", async () => {
    const member = await fundedMember();
    const item = await physicalItem(80n, 4);
    stripeHarness.hold();
    let placed;
    try {
      placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 20n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
      const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
      await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "delayed" });
      await waitUntil(() => Promise.resolve(stripeHarness.held.some((d) => d.body.includes('"checkout.session.async_payment_succeeded"'))), "the held events");
    } finally {
      stripeHarness.release();
    }
    expect((await orderRow(placed.orderId)).status).toBe("AWAITING_PAYMENT");

    for (const delivery of [...stripeHarness.held].reverse()) expect((await stripeHarness.deliver(delivery.body, delivery.signature)).status).toBe(200);
    for (const delivery of stripeHarness.held) expect((await stripeHarness.deliver(delivery.body, delivery.signature)).status).toBe(200);

    expect((await orderRow(placed.orderId)).status).toBe("PAID");
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale"]);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 980n, held: 0n });
    await expectBooksBalance();
  });

  it("a digital item paid wholly by card is delivered once paid, with no hold", async () => {
    const member = await fundedMember(1n);
    const item = await app.callerAs(admin).store.saveSiteItem({ kind: "DIGITAL", title: "Wallpaper pack", description: "", price: 25n, stock: null, active: true });
    await app.pool.query("UPDATE store_items SET storage_key = 'store/00000000-0000-0000-0000-000000000000', file_name = 'w.zip', mime_type = 'application/zip' WHERE id = $1", [item.id]);
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 0n, idempotencyKey: randomUUID() });
    expect(await postingsOf(placed.orderId)).toEqual([]);
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
    await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    await stripeHarness.answered("checkout.session.completed", sessionId);
    await app.deliverOutbox();
    expect((await orderRow(placed.orderId)).status).toBe("DELIVERED");
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_SALE sale"]);
    expect((await app.callerAs(member).store.order({ orderId: placed.orderId })).canDownload).toBe(true);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1n, held: 0n });
    await expectBooksBalance();
  });

  it("records the PaymentIntent events about an order's card payment as ignored: the checkout settles it", async () => {
    const member = await fundedMember(1n);
    const item = await physicalItem(30n, null);
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 0n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
    await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    await stripeHarness.answered("checkout.session.completed", sessionId);
    const paymentIntent = String((await app.stripe().checkout.sessions.retrieve(sessionId)).payment_intent);
    expect(await stripeHarness.answered("payment_intent.succeeded", paymentIntent)).toMatchObject({ status: 200, body: expect.stringContaining('"outcome":"ignored"') });
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_SALE sale"]);
    await expectBooksBalance();
  });

  it("keeps the wallet part within the admin's cap", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, null);
    await app.setSetting(admin.id, "store", { maxWalletShareBps: 5000, creditPriceMinor: 12n, currency: "usd" });
    try {
      const over = await app.callerAs(member)
        .store.buy({ itemId: item.id, quantity: 1, walletPart: 51n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() })
        .catch((error: unknown) => error);
      expect(over).toMatchObject({ code: "BAD_REQUEST", message: "At most 50 credits of this order can come from your wallet; the rest is paid by card." });
      const walletOnly = await app.callerAs(member)
        .store.buy({ itemId: item.id, quantity: 1, shippingAddress: ADDRESS, idempotencyKey: randomUUID() })
        .catch((error: unknown) => error);
      expect(walletOnly).toMatchObject({ code: "BAD_REQUEST" });
      expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });

      const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 50n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
      expect(await orderRow(placed.orderId)).toMatchObject({ wallet_part: "50", card_part: "50", card_amount_minor: "600" });
      await app.callerAs(member).store.cancel({ orderId: placed.orderId });
    } finally {
      await app.setSetting(admin.id, "store", { maxWalletShareBps: 10_000, creditPriceMinor: 10n, currency: "usd" });
    }
    await expectBooksBalance();
  });
});

describe("refunding a mixed order", () => {
  it("refunds the card part at Stripe and the wallet part to the wallet, takes the share back and restocks", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 2);
    const lunaBefore = await app.walletBalances(app.pool, luna.id);
    const clearingBefore = await systemBalance("GATEWAY_CLEARING");
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
    await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    await stripeHarness.answered("checkout.session.completed", sessionId);
    await app.deliverOutbox();
    expect((await orderRow(placed.orderId)).status).toBe("PAID");
    expect((await app.walletBalances(app.pool, luna.id)).pending).toBe(lunaBefore.pending + 80n);
    expect(sent.map((message) => message.subject)).toEqual([`Receipt: ${item.title}`, `New order: ${item.title}`]);
    sent.length = 0;

    const refunded = await app.callerAs(luna).store.refund({ orderId: placed.orderId, reason: "Sold out at the printer" });
    await app.deliverOutbox();

    expect(refunded.status).toBe("REFUNDED");
    const paymentIntent = (await orderRow(placed.orderId)).stripe_payment_intent_id as string;
    const charges = await app.stripe().charges.list({ payment_intent: paymentIntent });
    expect(charges.data[0]).toMatchObject({ amount: 600, amount_refunded: 600, refunded: true });
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });
    expect((await app.walletBalances(app.pool, luna.id)).pending).toBe(lunaBefore.pending);
    expect(await systemBalance("GATEWAY_CLEARING")).toBe(clearingBefore);
    expect(await stockOf(item.id)).toBe(2);
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale", "SALE_REFUND refund"]);
    expect(sent.map((message) => message.subject)).toEqual([`Refunded: ${item.title}`]);
    expect(sent[0]?.text).toContain("40 credits are back in your wallet. $6.00 is refunded to your card.");

    await stripeHarness.answered("charge.refunded", charges.data[0]?.id as string);
    await app.deliverOutbox();
    await replayAll(paymentIntent, 1);
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale", "SALE_REFUND refund"]);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });
    await expectBooksBalance();
  });
});

describe("refunds and disputes made at Stripe", () => {
  /** A paid mixed order: 40 credits from the wallet, 60 by card ($6.00). */
  async function paidMixedOrder(member: SessionUser) {
    const item = await physicalItem(100n, 2);
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
    await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    await stripeHarness.answered("checkout.session.completed", sessionId);
    await app.deliverOutbox();
    const paymentIntent = (await orderRow(placed.orderId)).stripe_payment_intent_id as string;
    sent.length = 0;
    return { item, orderId: placed.orderId, sessionId, paymentIntent };
  }

  it("a dashboard refund reaches the order: in part it takes that part's credits back, in full it refunds the order", async () => {
    const member = await fundedMember();
    const lunaBefore = await app.walletBalances(app.pool, luna.id);
    const clearingBefore = await systemBalance("GATEWAY_CLEARING");
    const { item, orderId, paymentIntent } = await paidMixedOrder(member);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 960n, held: 0n });

    await app.stripe().refunds.create({ payment_intent: paymentIntent, amount: 300 });
    await waitUntil(async () => (await postingsOf(orderId)).length === 3, "the partial refund");
    expect(await postingsOf(orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale", "PURCHASE_REFUND 300"]);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 930n });
    expect((await orderRow(orderId)).status).toBe("PAID");
    const order = await app.callerAs(member).store.order({ orderId });
    expect(order.events.at(-1)?.note).toBe("Part of the card payment was refunded at Stripe: 30 credits taken back");

    await app.stripe().refunds.create({ payment_intent: paymentIntent });
    await waitUntil(async () => (await orderRow(orderId)).status === "REFUNDED", "the full refund");
    await app.deliverOutbox();
    const settled = async () => {
      expect(await postingsOf(orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale", "PURCHASE_REFUND 300", "PURCHASE_REFUND card-refund-returned", "SALE_REFUND refund"]);
      expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });
      expect((await app.walletBalances(app.pool, luna.id)).pending).toBe(lunaBefore.pending);
      expect(await systemBalance("GATEWAY_CLEARING")).toBe(clearingBefore);
      expect(await stockOf(item.id)).toBe(2);
    };
    await settled();
    expect(sent.map((message) => message.subject)).toContain(`Refunded: ${item.title}`);

    await replayAll(paymentIntent);
    await settled();
    await expectBooksBalance();
  });

  it("a dispute of the card part takes its credits back from the buyer and gives them back when won; a lost one keeps them", async () => {
    const member = await fundedMember();
    const { orderId, paymentIntent } = await paidMixedOrder(member);
    const dispute = await stripeHarness.control("/disputes", { payment_intent: paymentIntent });
    await waitUntil(async () => (await postingsOf(orderId)).includes("DISPUTE_HOLD hold"), "the dispute");
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 900n });
    await stripeHarness.control(`/disputes/${String(dispute.id)}/close`, { outcome: "won" });
    await waitUntil(async () => (await postingsOf(orderId)).includes("DISPUTE_RELEASE release"), "the won dispute");
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 960n });
    await replayAll(paymentIntent);
    expect(await postingsOf(orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale", "DISPUTE_HOLD hold", "DISPUTE_RELEASE release"]);
    const notes = (await app.callerAs(member).store.order({ orderId })).events.map((event) => event.note);
    expect(notes.slice(-2)).toEqual(["The card payment is disputed: 60 credits taken back", "The dispute was won: 60 credits given back"]);

    const lost = await paidMixedOrder(member);
    const lostDispute = await stripeHarness.control("/disputes", { payment_intent: lost.paymentIntent });
    await stripeHarness.control(`/disputes/${String(lostDispute.id)}/close`, { outcome: "lost" });
    await stripeHarness.answered("charge.dispute.closed", String(lostDispute.id));
    expect(await postingsOf(lost.orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale", "DISPUTE_HOLD hold"]);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 960n - 100n });
    await expectBooksBalance();
  });

  it("a paid session that does not match its order settles nothing and is shown to admins; a payload naming another order is not believed", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 5);
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
    await app.pool.query("UPDATE store_orders SET card_amount_minor = 1 WHERE id = $1", [placed.orderId]);
    await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    expect((await stripeHarness.answered("checkout.session.completed", sessionId)).body).toContain('"outcome":"mismatch"');
    expect((await orderRow(placed.orderId)).status).toBe("AWAITING_PAYMENT");
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold"]);
    const audit = await app.callerAs(admin).audit.list({ action: "stripe.payment_mismatch" });
    expect(audit.entries.find((entry) => entry.target.id === placed.orderId)).toMatchObject({
      actionLabel: "Stripe payment did not match: nothing credited",
      actor: null,
      target: { type: "store_order" },
    });

    const paid = await paidMixedOrder(member);
    const waiting = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const body = JSON.stringify({
      id: `evt_${randomUUID().replaceAll("-", "")}`,
      object: "event",
      type: "checkout.session.completed",
      data: { object: { id: paid.sessionId, object: "checkout.session", metadata: { kind: "store_order", store_order_id: waiting.orderId } } },
    });
    const signature = app.stripe().webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    expect((await stripeHarness.deliver(body, signature)).status).toBe(200);
    expect((await orderRow(waiting.orderId)).status).toBe("AWAITING_PAYMENT");
    expect(await postingsOf(waiting.orderId)).toEqual(["STORE_HOLD hold"]);
    await expectBooksBalance();
  });
});

describe("status events for open order pages", () => {
  const statusesOf = (orderId: string) => app.statusEventsOf(orderId).map((event) => [event.status, event.committed]);

  it("tells the buyer, the seller and the admins when the card payment completes or the buyer cancels, each after it committed", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 5);
    const paid = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    await app.deliverOutbox();
    const sessionId = (await orderRow(paid.orderId)).stripe_checkout_session_id as string;
    await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    await stripeHarness.answered("checkout.session.completed", sessionId);
    await app.deliverOutbox();
    expect(statusesOf(paid.orderId)).toEqual([
      ["AWAITING_PAYMENT", true],
      ["PAID", true],
    ]);
    expect(app.statusEventsOf(paid.orderId)[1]?.channels).toEqual([`private-user-${member.id}`, `private-user-${luna.id}`, "private-admins"]);

    const cancelled = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    await app.deliverOutbox();
    await app.callerAs(member).store.cancel({ orderId: cancelled.orderId });
    await app.deliverOutbox();
    expect(statusesOf(cancelled.orderId)).toEqual([
      ["AWAITING_PAYMENT", true],
      ["CANCELLED", true],
    ]);
  });
});

describe("orders whose card payment never comes", () => {
  const connectionLost = () => new Stripe.errors.StripeConnectionError({ message: "connection reset" });

  /** The order as if placed `seconds` ago (its checkout's expiry at Stripe stays as it was). */
  async function placedAgo(orderId: string, seconds: number) {
    await app.pool.query("UPDATE store_orders SET created_at = created_at - make_interval(secs => $2) WHERE id = $1", [orderId, seconds]);
  }

  it("a checkout that can't be opened cancels the order at once: stock and held credits go back, and the buyer is told", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 2);
    const create = vi.spyOn(app.stripe().checkout.sessions, "create").mockRejectedValueOnce(connectionLost());
    try {
      const refusal = await app.callerAs(member)
        .store.buy({ itemId: item.id, quantity: 2, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() })
        .catch((error: unknown) => error);
      expect(refusal).toMatchObject({
        code: "CONFLICT",
        message: "The card payment could not be started, so the order was cancelled and nothing was charged. Try again in a moment.",
      });
    } finally {
      create.mockRestore();
    }
    const [order] = await app.callerAs(member).store.myOrders();
    expect(order).toMatchObject({ itemId: item.id, status: "CANCELLED" });
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });
    expect(await stockOf(item.id)).toBe(2);
    expect(await postingsOf(order!.id)).toEqual(["STORE_HOLD hold", "REVERSAL release"]);
    await expectBooksBalance();
  });

  it("a session created though its answer was lost, then paid, is refunded in full to the card: the cancelled order stays cancelled", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 1);
    let lostSessionId = "";
    const realCreate = app.stripe().checkout.sessions.create.bind(app.stripe().checkout.sessions);
    const create = vi.spyOn(app.stripe().checkout.sessions, "create").mockImplementationOnce(async (...args: Parameters<typeof realCreate>) => {
      lostSessionId = (await realCreate(...args)).id;
      throw connectionLost();
    });
    try {
      await expect(
        app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
    } finally {
      create.mockRestore();
    }
    const [order] = await app.callerAs(member).store.myOrders();
    expect(await stockOf(item.id)).toBe(1);

    expect((await stripeHarness.controlResponse(`/checkout/sessions/${lostSessionId}/pay`, { outcome: "pay" })).ok).toBe(true);
    await stripeHarness.answered("checkout.session.completed", lostSessionId);
    await app.deliverOutbox();

    const row = await orderRow(order!.id);
    expect(row.status).toBe("CANCELLED");
    const charges = await app.stripe().charges.list({ payment_intent: row.stripe_payment_intent_id as string });
    expect(charges.data[0]).toMatchObject({ amount: 600, amount_refunded: 600, refunded: true });
    await replayAll(lostSessionId);
    await app.deliverOutbox();
    expect((await app.stripe().refunds.list({ payment_intent: row.stripe_payment_intent_id as string })).data).toHaveLength(1);
    expect(await postingsOf(order!.id)).toEqual(["STORE_HOLD hold", "REVERSAL release"]);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });
    expect(await stockOf(item.id)).toBe(1);
    const events = (await app.callerAs(member).store.order({ orderId: order!.id })).events.map((event) => event.note);
    expect(events.at(-1)).toBe("The card payment arrived after the order was cancelled and is refunded in full");
    await expectBooksBalance();
  });

  it("limits the orders a buyer may leave waiting for a card; paying from the wallet alone is not limited", async () => {
    const member = await fundedMember();
    const item = await physicalItem(10n, null);
    const buyByCard = () =>
      app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 5n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const open = [await buyByCard(), await buyByCard(), await buyByCard()];

    await expect(buyByCard()).rejects.toMatchObject({
      code: "CONFLICT",
      message: "You already have 3 orders waiting for a card payment. Pay or cancel one of them first.",
    });
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ held: 15n });
    expect(
      await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, shippingAddress: ADDRESS, idempotencyKey: randomUUID() }),
    ).toMatchObject({ status: "PAID" });

    await app.callerAs(member).store.cancel({ orderId: open[0]!.orderId });
    expect(await buyByCard()).toMatchObject({ status: "AWAITING_PAYMENT" });
  });

  it("the sweeper expires the checkout of an order past its lifetime and gives back its stock and held credits, once", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 3);
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 2, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
    expect(await app.sweepOverdueOrders()).toBe(0);
    expect((await orderRow(placed.orderId)).status).toBe("AWAITING_PAYMENT");

    await placedAgo(placed.orderId, 60 * 60 + 1);
    expect(await app.sweepOverdueOrders()).toBe(1);

    expect((await app.stripe().checkout.sessions.retrieve(sessionId)).status).toBe("expired");
    expect((await orderRow(placed.orderId)).status).toBe("CANCELLED");
    await stripeHarness.answered("checkout.session.expired", sessionId);
    expect(await app.sweepOverdueOrders()).toBe(0);
    await replayAll(sessionId);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });
    expect(await stockOf(item.id)).toBe(3);
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold", "REVERSAL release"]);
    await expectBooksBalance();
  });

  it("the sweeper releases an order that never got a checkout session", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 1);
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    // As when the app died between committing the order and opening its checkout.
    await app.pool.query("UPDATE store_orders SET stripe_checkout_session_id = NULL WHERE id = $1", [placed.orderId]);
    await placedAgo(placed.orderId, 60 * 60 + 1);

    expect(await app.sweepOverdueOrders()).toBe(1);
    expect((await orderRow(placed.orderId)).status).toBe("CANCELLED");
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 0n });
    expect(await stockOf(item.id)).toBe(1);
    await expectBooksBalance();
  });

  it("a payment that went through before the sweep wins: the sweeper completes the order and the late webhook changes nothing", async () => {
    const member = await fundedMember();
    const item = await physicalItem(100n, 2);
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
    stripeHarness.hold();
    try {
      await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
      await waitUntil(() => Promise.resolve(stripeHarness.held.some((d) => d.body.includes('"checkout.session.completed"'))), "the held webhook");
      await placedAgo(placed.orderId, 60 * 60 + 1);
      expect(await app.sweepOverdueOrders()).toBe(1);
    } finally {
      stripeHarness.release();
    }
    expect((await orderRow(placed.orderId)).status).toBe("PAID");
    for (const delivery of stripeHarness.held) expect((await stripeHarness.deliver(delivery.body, delivery.signature)).status).toBe(200);
    await app.deliverOutbox();

    expect((await orderRow(placed.orderId)).status).toBe("PAID");
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale"]);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 960n, held: 0n });
    expect(await stockOf(item.id)).toBe(1);
    const paymentIntent = (await orderRow(placed.orderId)).stripe_payment_intent_id as string;
    expect((await app.stripe().refunds.list({ payment_intent: paymentIntent })).data).toHaveLength(0);
    await expectBooksBalance();
  });
});

describe("paying from the Bonus wallet, which covers at most half of a store order", () => {
  const BONUS = "user:%s:bonus:CRD";
  const bonusAccount = (userId: string) => BONUS.replace("%s", userId);

  async function bonusMember(credits: bigint, bonus: bigint) {
    const member = credits > 0n ? await fundedMember(credits) : await app.makeMember("buyer");
    await app.post(app.pool, {
      kind: "ADJUSTMENT",
      idempotencyKey: `test-bonus:${randomUUID()}`,
      actorId: null,
      description: "Test bonus",
      legs: [
        { account: bonusAccount(member.id), amount: bonus },
        { account: "system:adjustments:CRD", amount: -bonus },
      ],
    });
    return member;
  }

  async function walletOf(orderId: string): Promise<string> {
    const { rows } = await app.pool.query<{ wallet_type_id: string }>("SELECT wallet_type_id FROM store_orders WHERE id = $1", [orderId]);
    return rows[0]?.wallet_type_id ?? "";
  }

  it("holds at most half from Bonus, the card pays the rest, and a refund returns the Bonus part to Bonus", async () => {
    const member = await bonusMember(1000n, 500n);
    const item = await physicalItem(120n, 2);
    const placed = await app.callerAs(member).store.buy({
      itemId: item.id,
      quantity: 1,
      walletTypeId: "bonus",
      walletPart: 60n,
      shippingAddress: ADDRESS,
      idempotencyKey: randomUUID(),
    });

    expect(placed.status).toBe("AWAITING_PAYMENT");
    expect(await orderRow(placed.orderId)).toMatchObject({ wallet_part: "60", card_part: "60", card_amount_minor: "600" });
    expect(await walletOf(placed.orderId)).toBe("bonus");
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n, held: 60n, wallets: { bonus: 440n, credits: 1000n } });

    const sessionId = (await orderRow(placed.orderId)).stripe_checkout_session_id as string;
    await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    await stripeHarness.answered("checkout.session.completed", sessionId);
    await app.deliverOutbox();
    expect((await orderRow(placed.orderId)).status).toBe("PAID");
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ held: 0n, wallets: { bonus: 440n, credits: 1000n } });
    expect(sent[0]?.text).toContain("From your Bonus wallet: 60 credits");
    sent.length = 0;

    await app.callerAs(luna).store.refund({ orderId: placed.orderId, reason: "Out of stock" });
    await app.deliverOutbox();
    expect(sent[0]?.text).toContain("60 credits are back in your Bonus wallet. $6.00 is refunded to your card.");
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ held: 0n, wallets: { bonus: 500n, credits: 1000n } });
    expect(await postingsOf(placed.orderId)).toEqual(["STORE_HOLD hold", "STORE_SALE sale", "SALE_REFUND refund"]);
    await expectBooksBalance();
  });

  it("a cancelled Bonus order releases its hold back to Bonus", async () => {
    const member = await bonusMember(0n, 100n);
    const item = await physicalItem(100n, 1);
    const placed = await app.callerAs(member).store.buy({
      itemId: item.id,
      quantity: 1,
      walletTypeId: "bonus",
      walletPart: 50n,
      shippingAddress: ADDRESS,
      idempotencyKey: randomUUID(),
    });
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ held: 50n, wallets: { bonus: 50n } });
    await app.callerAs(member).store.cancel({ orderId: placed.orderId });
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ held: 0n, wallets: { bonus: 100n } });
    await expectBooksBalance();
  });

  it("refuses more than half from Bonus, and a Bonus-only order, with nothing posted or reserved", async () => {
    const member = await bonusMember(0n, 5000n);
    const item = await physicalItem(1200n, 3);
    const countOrders = async () => Number((await app.pool.query("SELECT count(*) FROM store_orders WHERE buyer_id = $1", [member.id])).rows[0].count);
    const entriesOfMember = async () =>
      Number(
        (await app.pool.query("SELECT count(*) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.owner_id = $1", [member.id]))
          .rows[0].count,
      );
    const entriesBefore = await entriesOfMember();

    const walletOnly = app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletTypeId: "bonus", shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    await expect(walletOnly).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Your Bonus wallet can pay at most 600 credits of this order." });
    const overCap = app.callerAs(member).store.buy({
      itemId: item.id,
      quantity: 1,
      walletTypeId: "bonus",
      walletPart: 601n,
      shippingAddress: ADDRESS,
      idempotencyKey: randomUUID(),
    });
    await expect(overCap).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Your Bonus wallet can pay at most 600 credits of this order." });
    const earnings = app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletTypeId: "earnings", walletPart: 1n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    await expect(earnings).rejects.toMatchObject({ code: "FORBIDDEN", message: "Your Earnings wallet cannot pay for store orders." });
    const unknown = app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletTypeId: "nope", walletPart: 1n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    await expect(unknown).rejects.toMatchObject({ code: "NOT_FOUND", message: "There is no such wallet." });

    expect(await countOrders()).toBe(0);
    expect(await stockOf(item.id)).toBe(3);
    expect(await entriesOfMember()).toBe(entriesBefore);
    expect((await app.walletBalances(app.pool, member.id)).wallets.bonus).toBe(5000n);
  });

  it("a replay with another wallet is a conflict, not a second order", async () => {
    const member = await bonusMember(1000n, 500n);
    const item = await physicalItem(100n, 5);
    const key = randomUUID();
    await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletTypeId: "bonus", walletPart: 50n, shippingAddress: ADDRESS, idempotencyKey: key });
    const replay = app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 50n, shippingAddress: ADDRESS, idempotencyKey: key });
    await expect(replay).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
