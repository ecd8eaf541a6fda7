import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { withTransaction } from "@/server/db/transaction";
import { isDomainError } from "@/server/domain/errors";
import type { OutgoingEmail } from "@/server/integrations/email";
import { startStripeWebhooksHarness, waitUntil, type StripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * A disputed credit purchase whose credits were already spent: the real `stripe` SDK against the emulator, whose
 * signed dispute webhooks reach the real route handler, on real PostgreSQL. Who bears the loss follows
 * server/domain/disputes.ts. Environment first, app modules after (server/env parses once, at first import).
 */
const API_KEY = "sk_test_disputes_int";
const WEBHOOK_SECRET = "whsec_disputes_int";

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
  api: typeof import("@/server/testing/api");
  startCheckout: typeof import("./credit-purchases").startCheckout;
  walletBalances: typeof import("@/server/ledger/balances").walletBalances;
  matureDueEarnings: typeof import("../earnings/earnings").matureDueEarnings;
  setSetting: typeof import("../settings/settings").setSetting;
  makeAdmin: typeof import("@/server/testing/users").makeAdmin;
  makeMember: typeof import("@/server/testing/users").makeMember;
  makePerformer: typeof import("@/server/testing/users").makePerformer;
  deliverOutbox: () => Promise<unknown>;
  refundSale: typeof import("../sales/sales").refundSale;
};
let admin: SessionUser;

beforeAll(async () => {
  stripeHarness = await startStripeWebhooksHarness({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET });
  const [db, api, purchases, balances, earnings, settings, users, relay, sales] = await Promise.all([
    import("@/server/db/client"),
    import("@/server/testing/api"),
    import("./credit-purchases"),
    import("@/server/ledger/balances"),
    import("../earnings/earnings"),
    import("../settings/settings"),
    import("@/server/testing/users"),
    import("@/server/outbox/relay"),
    import("../sales/sales"),
  ]);
  app = {
    pool: db.pool,
    closeDb: db.closeDb,
    api,
    startCheckout: purchases.startCheckout,
    walletBalances: balances.walletBalances,
    matureDueEarnings: earnings.matureDueEarnings,
    setSetting: settings.setSetting,
    makeAdmin: users.makeAdmin,
    makeMember: users.makeMember,
    makePerformer: users.makePerformer,
    deliverOutbox: () => relay.deliverAllDue(db.pool),
    refundSale: sales.refundSale,
  };
  admin = await app.makeAdmin();
  await app.api.callerAs(admin).commissions.set({ kind: "TIP", performerShareBps: 7000 });
  await app.setSetting(admin.id, "earningsHold", { defaultDays: 7, byKind: {} });
  await app.setSetting(admin.id, "transfers", { enabled: true, dailyLimit: 5_000n, feeBps: 0, minFee: 0n });
});

afterEach(() => app.api.expectLedgerInvariantsHold());

afterAll(async () => {
  await app?.closeDb();
  await stripeHarness?.close();
});

async function systemBalance(type: "GATEWAY_CLEARING" | "REVENUE"): Promise<bigint> {
  const { rows } = await app.pool.query<{ balance: string }>(
    `SELECT sum(a.balance + coalesce((SELECT sum(d.amount) FROM ledger_unfolded_deltas d WHERE d.account_id = a.id), 0)) AS balance
       FROM ledger_accounts a WHERE a.type = $1::"AccountType" AND a.owner_id IS NULL`,
    [type],
  );
  return BigInt(rows[0]?.balance ?? "0");
}

async function purchaseStatus(purchaseId: string): Promise<string | undefined> {
  const { rows } = await app.pool.query<{ status: string }>("SELECT status FROM credit_purchases WHERE id = $1", [purchaseId]);
  return rows[0]?.status;
}

/** A member who bought `credits` for as many cents, credited through the webhook. */
async function memberWithPurchase(credits: bigint) {
  const member = await app.makeMember("buyer");
  const { rows } = await app.pool.query<{ id: string }>(
    `INSERT INTO credit_packages (id, name, credits, bonus_credits, price_minor, currency, updated_at)
     VALUES (gen_random_uuid(), 'Pack', $1, 0, $1, 'usd', now()) RETURNING id`,
    [credits.toString()],
  );
  const { purchaseId } = await app.startCheckout({ userId: member.id, packageId: rows[0]?.id as string, idempotencyKey: randomUUID() });
  const session = await app.pool.query<{ stripe_checkout_session_id: string }>("SELECT stripe_checkout_session_id FROM credit_purchases WHERE id = $1", [purchaseId]);
  await stripeHarness.control(`/checkout/sessions/${session.rows[0]?.stripe_checkout_session_id}/pay`, { outcome: "pay" });
  await waitUntil(async () => (await purchaseStatus(purchaseId)) === "PAID", "the purchase to be credited");
  const intent = await app.pool.query<{ pi: string }>("SELECT stripe_payment_intent_id AS pi FROM credit_purchases WHERE id = $1", [purchaseId]);
  return { member, purchaseId, paymentIntent: intent.rows[0]?.pi as string };
}

async function tip(member: SessionUser, performer: SessionUser, amount: bigint) {
  await app.api.callerAs(member).tips.send({ performerId: performer.id, amount, idempotencyKey: randomUUID() });
}

async function lotsOf(performerId: string): Promise<{ remaining: bigint; matured: boolean }[]> {
  const { rows } = await app.pool.query<{ remaining: string; matured_at: Date | null }>(
    "SELECT remaining, matured_at FROM earnings_lots WHERE performer_id = $1 ORDER BY id",
    [performerId],
  );
  return rows.map((row) => ({ remaining: BigInt(row.remaining), matured: row.matured_at !== null }));
}

async function disputePostings(purchaseId: string): Promise<string[]> {
  const { rows } = await app.pool.query<{ kind: string }>(
    "SELECT kind FROM ledger_transactions WHERE idempotency_key LIKE $1 ORDER BY id",
    [`purchase:${purchaseId}:dispute:%`],
  );
  return rows.map((row) => row.kind);
}

describe("a dispute of credits already spent", () => {
  it("takes the performer's share still in the hold, the platform bears its commission and what matured, and a won dispute gives all back", async () => {
    const luna = await app.makePerformer(admin, "Luna Dispute");
    const rex = await app.makePerformer(admin, "Rex Dispute");
    const { member, purchaseId, paymentIntent } = await memberWithPurchase(1000n);
    await tip(member, rex, 200n);
    // Rex's share leaves the hold before the dispute (the clock moved on for his lot only).
    await app.pool.query("UPDATE earnings_lots SET matures_at = now() - interval '1 second' WHERE performer_id = $1", [rex.id]);
    await app.matureDueEarnings();
    await tip(member, luna, 300n);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 500n });
    expect(await app.walletBalances(app.pool, luna.id)).toMatchObject({ pending: 210n, earnings: 0n });
    expect(await app.walletBalances(app.pool, rex.id)).toMatchObject({ pending: 0n, earnings: 140n });
    const revenue = await systemBalance("REVENUE");
    const clearing = await systemBalance("GATEWAY_CLEARING");
    await app.deliverOutbox();
    sent.length = 0;

    const dispute = await stripeHarness.control("/disputes", { payment_intent: paymentIntent });
    await stripeHarness.answered("charge.dispute.created", String(dispute.id));

    const afterHold = async () => {
      expect(await purchaseStatus(purchaseId)).toBe("DISPUTED");
      expect(await disputePostings(purchaseId)).toEqual(["DISPUTE_HOLD"]);
      // The buyer's 500 credits left, the rest from the sales: Rex's 200 (matured: the platform bears it all),
      // then Luna's 300 (her 210 from pending, the platform's 90 commission).
      expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 0n, restricted: false });
      expect(await app.walletBalances(app.pool, luna.id)).toMatchObject({ pending: 0n, earnings: 0n });
      expect(await lotsOf(luna.id)).toEqual([{ remaining: 0n, matured: false }]);
      expect(await app.walletBalances(app.pool, rex.id)).toMatchObject({ pending: 0n, earnings: 140n });
      expect(await systemBalance("REVENUE")).toBe(revenue - 60n - 140n - 90n);
      expect(await systemBalance("GATEWAY_CLEARING")).toBe(clearing + 1000n);
    };
    await afterHold();
    const { rows: parts } = await app.pool.query(
      "SELECT performer_id, taken, from_pending, platform_commission, platform_matured FROM dispute_sale_reversals WHERE dispute_id = $1 ORDER BY id",
      [dispute.id],
    );
    expect(parts).toEqual([
      { performer_id: rex.id, taken: "200", from_pending: "0", platform_commission: "60", platform_matured: "140" },
      { performer_id: luna.id, taken: "300", from_pending: "210", platform_commission: "90", platform_matured: "0" },
    ]);
    const audit = await app.pool.query<{ details: Record<string, unknown> }>(
      "SELECT details FROM audit_log WHERE action = 'purchase.dispute_taken_back' AND target_id = $1",
      [purchaseId],
    );
    expect(audit.rows).toEqual([{ details: expect.objectContaining({ disputeId: dispute.id, fromBuyer: "500", buyerDebt: "0", platformMatured: "140" }) as unknown }]);

    const recent = await app.api.callerAs(luna).earnings.recent({});
    expect(recent[0]).toMatchObject({ kind: "DISPUTE_HOLD", amount: -210n, saleKind: "TIP", fromDisplayName: member.displayName });
    expect((await app.api.callerAs(rex).earnings.recent({}))[0]?.kind).toBe("TIP");
    await app.deliverOutbox();
    const lunaMail = sent.filter((message) => message.to === luna.email);
    expect(lunaMail.map((message) => message.subject)).toEqual(["A buyer's card payment was disputed: 210 credits pending taken back"]);
    expect(sent.some((message) => message.to === rex.email)).toBe(false);

    // Every event again: nothing moves twice.
    const events = (await stripeHarness.events()).filter((event) => JSON.stringify(event.data.object).includes(String(dispute.id)));
    const before = stripeHarness.outcomes.length;
    for (const event of events) await stripeHarness.control(`/resend/${event.id}`);
    await waitUntil(async () => Promise.resolve(stripeHarness.outcomes.length >= before + events.length), "the replays");
    await afterHold();

    sent.length = 0;
    await stripeHarness.control(`/disputes/${String(dispute.id)}/close`, { outcome: "won" });
    await stripeHarness.answered("charge.dispute.closed", String(dispute.id));
    expect(await purchaseStatus(purchaseId)).toBe("PAID");
    expect(await disputePostings(purchaseId)).toEqual(["DISPUTE_HOLD", "DISPUTE_RELEASE"]);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 500n });
    expect(await app.walletBalances(app.pool, luna.id)).toMatchObject({ pending: 210n, available: 0n });
    expect(await lotsOf(luna.id)).toEqual([{ remaining: 210n, matured: false }]);
    expect(await app.walletBalances(app.pool, rex.id)).toMatchObject({ earnings: 140n });
    expect(await systemBalance("REVENUE")).toBe(revenue);
    expect(await systemBalance("GATEWAY_CLEARING")).toBe(clearing);
    expect((await app.api.callerAs(luna).earnings.recent({}))[0]).toMatchObject({ kind: "DISPUTE_RELEASE", amount: 210n });
    await app.deliverOutbox();
    expect(sent.filter((message) => message.to === luna.email).map((message) => message.subject)).toEqual(["Dispute won: 210 credits given back"]);
  });

  it("what no sale accounts for stays with the buyer as debt, and a lost dispute keeps it so", async () => {
    const luna = await app.makePerformer(admin, "Luna Debt");
    const friend = await app.makeMember("friend");
    const { member, purchaseId, paymentIntent } = await memberWithPurchase(400n);
    await tip(member, luna, 100n);
    await app.api.callerAs(member).transfers.send({ recipient: friend.username, amount: 250n, idempotencyKey: randomUUID() });
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 50n });

    const dispute = await stripeHarness.control("/disputes", { payment_intent: paymentIntent });
    await stripeHarness.control(`/disputes/${String(dispute.id)}/close`, { outcome: "lost" });
    await stripeHarness.answered("charge.dispute.closed", String(dispute.id));

    expect(await purchaseStatus(purchaseId)).toBe("DISPUTED");
    expect(await disputePostings(purchaseId)).toEqual(["DISPUTE_HOLD"]);
    // 50 held, 100 from the tip (70 from Luna's pending), 250 transferred away: the buyer's debt.
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: -250n, restricted: true });
    expect(await app.walletBalances(app.pool, luna.id)).toMatchObject({ pending: 0n });
    expect(await app.walletBalances(app.pool, friend.id)).toMatchObject({ available: 250n });
  });

  it("a sale the dispute took back can't also be refunded: the buyer would be repaid twice and the performer charged twice", async () => {
    const luna = await app.makePerformer(admin, "Luna Refund");
    const { member, paymentIntent } = await memberWithPurchase(300n);
    await tip(member, luna, 300n);
    const { rows } = await app.pool.query<{ id: string }>("SELECT id FROM ledger_transactions WHERE kind = 'TIP' AND actor_id = $1", [member.id]);
    const tipTransactionId = BigInt(rows[0]?.id as string);

    const dispute = await stripeHarness.control("/disputes", { payment_intent: paymentIntent });
    await stripeHarness.answered("charge.dispute.created", String(dispute.id));
    expect(await app.walletBalances(app.pool, luna.id)).toMatchObject({ pending: 0n });
    const postingsBefore = await app.api.ledgerTransactionCount();

    const refused = await withTransaction(app.pool, (db) =>
      app.refundSale(db, { saleTransactionId: tipTransactionId, idempotencyKey: randomUUID(), actorId: admin.id, description: "Refund" }),
    ).then(
      () => "refunded",
      (error: unknown) => (isDomainError(error) ? error.code : String(error)),
    );
    expect(refused).toBe("CONFLICT");
    expect(await app.api.ledgerTransactionCount()).toBe(postingsBefore);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 0n });
    expect(await app.walletBalances(app.pool, luna.id)).toMatchObject({ pending: 0n, available: 0n });
  });
});
