import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { startStripeWebhooksHarness, type StripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * Processor fees of card-paid sales, below the browser: a store order's card part paid on the emulator (whose
 * signed webhook reaches the real route), the sale posting naming its card payment, and the revenue.processor-fees
 * job reading the fee from the payment's balance transaction (Stripe's US card pricing, 2.9% + 30¢) into the
 * business revenue report, once, telling the seller's open page. Environment first, app modules after (server/env parses once, at first import).
 */
const API_KEY = "sk_test_revenue_fees";
const WEBHOOK_SECRET = "whsec_revenue_fees";

const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));
vi.mock("@/server/integrations/email", () => ({ sendEmail: vi.fn(async () => {}) }));

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
  revenue: typeof import("./revenue");
  job: typeof import("@/server/jobs/revenue-processor-fees").revenueProcessorFeesJob;
  postSale: typeof import("../sales/sales").postSale;
  deliverOutbox: () => Promise<unknown>;
};
let admin: SessionUser;
let seller: SessionUser;

beforeAll(async () => {
  stripeHarness = await startStripeWebhooksHarness({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET });
  const [db, api, factories, users, revenue, job, sales, relay] = await Promise.all([
    import("@/server/db/client"),
    import("@/server/testing/api"),
    import("@/server/testing/factories"),
    import("@/server/testing/users"),
    import("./revenue"),
    import("@/server/jobs/revenue-processor-fees"),
    import("../sales/sales"),
    import("@/server/outbox/relay"),
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
    revenue,
    job: job.revenueProcessorFeesJob,
    postSale: sales.postSale,
    deliverOutbox: () => relay.deliverAllDue(db.pool),
  };
  admin = await app.makeAdmin();
  seller = await app.makePerformer(admin, "Card Seller");
  await app.callerAs(admin).commissions.set({ kind: "STORE", performerShareBps: 8000 });
  await app.callerAs(admin).commissions.set({ kind: "TIP", performerShareBps: 8000 });
});

afterAll(async () => {
  await app?.closeDb();
  await stripeHarness?.close();
});

const ADDRESS = { name: "Mia Member", line1: "1 Main Street", city: "Springfield", postalCode: "12345", country: "US" };

async function feeRows(): Promise<{ payment_id: string; performer_id: string; fee_minor: string; currency: string }[]> {
  const { rows } = await app.pool.query("SELECT payment_id, performer_id, fee_minor, currency FROM processor_fees ORDER BY payment_id");
  return rows;
}

describe("processor fees of card-paid sales", () => {
  it("a store order's card part names its payment; the job reads its fee once and the report shows it beside the credits", async () => {
    const member = await app.makeMember("card-buyer");
    await app.fundUser(app.pool, member.id, 500n);
    const item = await app.callerAs(seller).store.saveMyItem({ kind: "PHYSICAL", title: "Signed poster", description: "", price: 100n, stock: 5, active: true });
    const placed = await app.callerAs(member).store.buy({ itemId: item.id, quantity: 1, walletPart: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    const { rows } = await app.pool.query<{ stripe_checkout_session_id: string }>("SELECT stripe_checkout_session_id FROM store_orders WHERE id = $1", [placed.orderId]);
    const sessionId = rows[0]?.stripe_checkout_session_id ?? "";
    await stripeHarness.control(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" });
    await stripeHarness.answered("checkout.session.completed", sessionId);

    const { rows: sales } = await app.pool.query<{ metadata: Record<string, unknown> }>(
      "SELECT metadata FROM ledger_transactions WHERE idempotency_key = $1",
      [`store-order:${placed.orderId}:sale`],
    );
    const paymentId = sales[0]?.metadata.cardPaymentId as string;
    expect(paymentId).toMatch(/^pi_/);
    expect(sales[0]?.metadata).toMatchObject({ gateway: "stripe", paymentIntentId: paymentId, performerId: seller.id, amount: "100" });

    const all = { period: "all" as const, limit: 25 };
    expect((await app.revenue.revenueSales(seller.id, all)).sales[0]?.processorFee).toEqual({ state: "pending", paymentId });

    await app.deliverOutbox();
    trigger.mockClear();
    await app.job.handler([]);
    await app.deliverOutbox();
    // The seller's open revenue page hears of it and refetches.
    expect(trigger).toHaveBeenCalledWith(`private-user-${seller.id}`, "revenue.updated", { paymentId });
    // The card part is 60 credits, $6.00: 2.9% is 17.4 cents, rounded to 17, plus 30.
    expect(await feeRows()).toEqual([{ payment_id: paymentId, performer_id: seller.id, fee_minor: "47", currency: "usd" }]);
    const [sale] = (await app.revenue.revenueSales(seller.id, all)).sales;
    expect(sale).toMatchObject({ gross: 100n, platformFee: 20n, net: 80n, processorFee: { state: "read", paymentId, feeMinor: 47n, currency: "usd" } });
    const summary = await app.revenue.revenueSummary(seller.id, { period: "all" });
    expect(summary.totals).toMatchObject({ sales: 1, gross: 100n, net: 80n, netAfter: 80n, processorFees: { usd: 47n } });
    expect(summary.days[0]?.processorFees).toEqual({ usd: 47n });
    expect((await app.revenue.revenueSummary(seller.id, { period: "all", saleKind: "TIP" })).totals.processorFees).toEqual({});

    trigger.mockClear();
    expect(await app.revenue.readProcessorFees()).toEqual({ read: 0, notYet: 0, failed: [] });
    expect(await feeRows()).toHaveLength(1);
    await app.deliverOutbox();
    expect(trigger).not.toHaveBeenCalledWith(expect.anything(), "revenue.updated", expect.anything());
    await app.expectLedgerInvariantsHold();
  });

  it("a payment the processor does not know is logged and left; the others are still read", async () => {
    const member = await app.makeMember("tipper");
    await app.fundUser(app.pool, member.id, 100n);
    await app.postSale(app.pool, {
      kind: "TIP",
      saleKind: "TIP",
      buyerId: member.id,
      performerId: seller.id,
      amount: 10n,
      idempotencyKey: `test-unknown-payment:${randomUUID()}`,
      request: {},
      description: "Tip",
      metadata: { cardPaymentId: "pi_unknown_to_stripe", gateway: "stripe" },
    });
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const run = await app.revenue.readProcessorFees();
      expect(run).toMatchObject({ read: 0, notYet: 0, failed: [{ paymentId: "pi_unknown_to_stripe", reason: expect.any(String) }] });
      expect(error).toHaveBeenCalledWith(expect.stringContaining("pi_unknown_to_stripe"));
    } finally {
      error.mockRestore();
    }
    expect((await app.revenue.revenueSales(seller.id, { period: "all", limit: 25 })).sales[0]?.processorFee).toEqual({ state: "pending", paymentId: "pi_unknown_to_stripe" });
  });
});
