import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { waitFor } from "@/server/local/stripe/testing";
import { startStripeWebhooksHarness, type StripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * Withdrawals paid through Stripe Connect, below the browser: the real `stripe` SDK against the emulator (connected
 * account, onboarding, transfer, payout), whose signed payout.paid / payout.failed webhooks reach the real route
 * handler. Environment first, app modules after (server/env parses once, at first import).
 */
const API_KEY = "sk_test_payouts_int";
const WEBHOOK_SECRET = "whsec_payouts_int";

const sendEmail = vi.hoisted(() => vi.fn(async () => undefined));
vi.mock("@/server/integrations/email", () => ({ sendEmail }));
const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

let stripeHarness: StripeWebhooksHarness;

let app: {
  pool: import("pg").Pool;
  closeDb: () => Promise<void>;
  stripe: typeof import("@/server/integrations/payments/stripe/client").stripe;
  walletBalances: typeof import("@/server/ledger/balances").walletBalances;
  fundUser: typeof import("@/server/testing/factories").fundUser;
  makeAdmin: typeof import("@/server/testing/users").makeAdmin;
  makePerformer: typeof import("@/server/testing/users").makePerformer;
  testing: typeof import("@/server/testing/payouts");
  api: typeof import("@/server/testing/api");
  statusEventsOf: (id: string) => import("@/server/testing/status-events").SeenStatusEvent[];
  /** Delivers every outbox message written so far (the worker's relay does this outside tests). */
  deliverOutbox: () => Promise<unknown>;
};

beforeAll(async () => {
  stripeHarness = await startStripeWebhooksHarness({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET });

  const [db, stripeModule, balances, factories, users, testing, api, statusEvents, relay] = await Promise.all([
    import("@/server/db/client"),
    import("@/server/integrations/payments/stripe/client"),
    import("@/server/ledger/balances"),
    import("@/server/testing/factories"),
    import("@/server/testing/users"),
    import("@/server/testing/payouts"),
    import("@/server/testing/api"),
    import("@/server/testing/status-events"),
    import("@/server/outbox/relay"),
  ]);
  app = {
    pool: db.pool,
    closeDb: db.closeDb,
    stripe: stripeModule.stripe,
    walletBalances: balances.walletBalances,
    fundUser: factories.fundUser,
    makeAdmin: users.makeAdmin,
    makePerformer: users.makePerformer,
    testing,
    api,
    statusEventsOf: statusEvents.recordStatusEvents(trigger, "withdrawal.updated"),
    deliverOutbox: () => relay.deliverAllDue(db.pool),
  };
  admin = await app.makeAdmin();
  await app.testing.configurePayouts(admin);
});

afterEach(() => app.api.expectLedgerInvariantsHold());

afterAll(async () => {
  await app?.closeDb();
  await stripeHarness?.close();
});

let admin: SessionUser;

async function statusOf(withdrawalId: string): Promise<string> {
  const { rows } = await app.pool.query<{ status: string }>("SELECT status FROM withdrawals WHERE id = $1", [withdrawalId]);
  return rows[0]?.status ?? "missing";
}

/** A performer paid through Stripe: profile, connected account through onboarding, lock served, credits. */
async function stripePerformer(credits: bigint, onboard = true): Promise<{ performer: SessionUser; accountId: string }> {
  const performer = await app.makePerformer(admin, "Stripe Payee");
  const api = app.api.callerAs(performer);
  await api.payouts.profile.save({ method: "STRIPE_CONNECT", currency: "USD", details: { legal_name: "Stripe Payee", country: "US", tax_id: "98-7654321" } });
  const { url } = await api.payouts.profile.startStripeOnboarding({ returnTo: "profile" });
  expect(url).toContain(`${stripeHarness.emulatorUrl}/connect/onboarding/`);
  const status = await api.payouts.profile.stripeStatus();
  const accountId = status.accountId ?? "";
  expect(status).toMatchObject({ accountId: expect.stringMatching(/^acct_/) as string, payoutsEnabled: false });
  if (onboard) await stripeHarness.control(`/accounts/${accountId}/complete_onboarding`);
  await app.testing.endPayoutLock(performer.id);
  await app.fundUser(app.pool, performer.id, credits, "earnings");
  return { performer, accountId };
}

describe("withdrawals paid through Stripe Connect", () => {
  it("refuses to approve while the connected account can't be paid, changing nothing", async () => {
    const { performer } = await stripePerformer(2_000n, false);
    const { withdrawal } = await app.api.callerAs(performer).payouts.withdrawals.request({ credits: 1_000n, idempotencyKey: randomUUID() });
    const count = await app.api.ledgerTransactionCount();
    expect(await app.api.refusalCodeOf(() => app.api.callerAs(admin).payouts.admin.approve({ id: withdrawal.id }))).toBe("PRECONDITION_FAILED");
    expect(await statusOf(withdrawal.id)).toBe("REQUESTED");
    expect(await app.api.ledgerTransactionCount()).toBe(count);
  });

  it("transfers and pays out the net on approval, turns PAID on payout.paid, and ignores the event replayed", async () => {
    const { performer, accountId } = await stripePerformer(2_000n);
    const { withdrawal } = await app.api.callerAs(performer).payouts.withdrawals.request({ credits: 1_000n, idempotencyKey: randomUUID() });
    expect(withdrawal).toMatchObject({ grossMinor: 5_000n, feeMinor: 38n, netMinor: 4_962n });

    const approved = await app.api.callerAs(admin).payouts.admin.approve({ id: withdrawal.id });
    expect(approved).toMatchObject({ payoutError: null, withdrawal: { status: "PROCESSING", stripePayoutId: expect.stringMatching(/^po_/) as string } });
    const payoutId = approved.withdrawal.stripePayoutId ?? "";
    const transfers = await app.stripe().transfers.list({ destination: accountId });
    expect(transfers.data.map((transfer) => [transfer.amount, transfer.currency, transfer.metadata.withdrawal_id])).toEqual([[4_962, "usd", withdrawal.id]]);
    const payout = await app.stripe().payouts.retrieve(payoutId, {}, { stripeAccount: accountId });
    expect(payout).toMatchObject({ amount: 4_962, currency: "usd", status: "pending", metadata: { withdrawal_id: withdrawal.id } });
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 1_000n, held: 1_000n });
    expect(await app.api.refusalCodeOf(() => app.api.callerAs(admin).payouts.admin.retryPayout({ id: withdrawal.id }))).toBe("CONFLICT");
    expect(await app.api.refusalCodeOf(() => app.api.callerAs(admin).payouts.admin.reject({ id: withdrawal.id, reason: "Changed my mind" }))).toBe("CONFLICT");

    await stripeHarness.control(`/payouts/${payoutId}/paid`);
    await waitFor(async () => (await statusOf(withdrawal.id)) === "PAID", "the withdrawal to be paid");
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 1_000n, held: 0n });
    const [paidEvent] = (await stripeHarness.events("payout.paid")).filter((event) => event.data.object.id === payoutId);
    const count = await app.api.ledgerTransactionCount();
    const delivered = stripeHarness.outcomes.length;
    await stripeHarness.control(`/resend/${paidEvent?.id ?? ""}`);
    expect((await answerAfter(delivered, "payout.paid", payoutId)).body).toContain('"outcome":"duplicate"');
    expect(await app.api.ledgerTransactionCount()).toBe(count);

    const history = (await app.api.callerAs(performer).payouts.withdrawals.list())[0];
    expect(history?.events.map((event) => [event.toStatus, event.actorName])).toEqual([
      ["REQUESTED", performer.displayName],
      ["APPROVED", admin.displayName],
      ["PROCESSING", admin.displayName],
      ["PAID", null],
    ]);
    await app.deliverOutbox();
    const subjects = (sendEmail.mock.calls as unknown as Array<[{ to: string; subject: string }]>)
      .filter(([message]) => message.to === performer.email)
      .map(([message]) => message.subject);
    expect(subjects).toEqual([
      "Withdrawal requested: 1,000 credits",
      "Withdrawal approved: $49.62",
      "Withdrawal on its way: $49.62",
      "Withdrawal paid: $49.62",
    ]);
    expect(app.statusEventsOf(withdrawal.id)).toEqual(
      ["REQUESTED", "APPROVED", "PROCESSING", "PAID"].map((status) => ({ channels: [`private-user-${performer.id}`, "private-admins"], status, committed: true })),
    );
  });

  /**
   * The route's answer to the first `eventType` event about `objectId` delivered after the first `since` answers:
   * other events (a transfer's reversal) may arrive meanwhile, so the latest answer need not be this one.
   */
  function answerAfter(since: number, eventType: string, objectId: string) {
    return waitFor(
      () => Promise.resolve(stripeHarness.outcomes.slice(since).find((outcome) => outcome.eventType === eventType && outcome.objectId === objectId)),
      `the replayed ${eventType}`,
    );
  }

  it("returns the credits when the bank returns the payout, once however often the event arrives", async () => {
    const { performer } = await stripePerformer(3_000n);
    const { withdrawal } = await app.api.callerAs(performer).payouts.withdrawals.request({ credits: 2_000n, idempotencyKey: randomUUID() });
    const approved = await app.api.callerAs(admin).payouts.admin.approveMany({ ids: [withdrawal.id] });
    expect(approved).toEqual([{ id: withdrawal.id, ok: true, status: "PROCESSING", payoutError: null }]);
    const payoutId = (await app.api.callerAs(admin).payouts.admin.queue({ performer: performer.username }))[0]?.stripePayoutId ?? "";

    await stripeHarness.control(`/payouts/${payoutId}/fail`, { failure_code: "account_closed" });
    await waitFor(async () => (await statusOf(withdrawal.id)) === "FAILED", "the withdrawal to fail");
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 3_000n, held: 0n });
    const { rows } = await app.pool.query<{ kind: string; reverses: string; hold: string }>(
      `SELECT t.kind, t.reverses_id AS reverses, w.hold_transaction_id AS hold
         FROM withdrawals w JOIN ledger_transactions t ON t.id = w.release_transaction_id WHERE w.id = $1`,
      [withdrawal.id],
    );
    expect(rows[0]?.kind).toBe("REVERSAL");
    expect(rows[0]?.reverses).toBe(rows[0]?.hold);
    const last = (await app.api.callerAs(performer).payouts.withdrawals.list())[0]?.events.at(-1);
    expect(last).toMatchObject({ toStatus: "FAILED", actorName: null, note: expect.stringMatching(/^The bank account has been closed\. The transfer was reversed \(trr_/) as string });

    // The money came back from the performer's Stripe account before the credits did.
    const transferId = (await app.pool.query<{ id: string }>("SELECT stripe_transfer_id AS id FROM withdrawals WHERE id = $1", [withdrawal.id])).rows[0]?.id ?? "";
    const transfer = await app.stripe().transfers.retrieve(transferId);
    expect(transfer).toMatchObject({ amount_reversed: transfer.amount, reversed: true });
    const reversals = await app.stripe().transfers.listReversals(transferId);
    expect(reversals.data).toEqual([expect.objectContaining({ object: "transfer_reversal", amount: transfer.amount, metadata: { withdrawal_id: withdrawal.id } })]);
    const connected = await app.stripe().balance.retrieve({}, { stripeAccount: String(transfer.destination) });
    expect(connected.available.find((line) => line.currency === transfer.currency)?.amount ?? 0).toBe(0);

    const [failedEvent] = (await stripeHarness.events("payout.failed")).filter((event) => event.data.object.id === payoutId);
    const count = await app.api.ledgerTransactionCount();
    const delivered = stripeHarness.outcomes.length;
    await stripeHarness.control(`/resend/${failedEvent?.id ?? ""}`);
    expect((await answerAfter(delivered, "payout.failed", payoutId)).body).toContain('"outcome":"duplicate"');
    expect(await app.api.ledgerTransactionCount()).toBe(count);
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 3_000n, held: 0n });
    await app.deliverOutbox();
    expect(app.statusEventsOf(withdrawal.id).map((event) => [event.status, event.committed])).toEqual(
      ["REQUESTED", "APPROVED", "PROCESSING", "FAILED"].map((status) => [status, true]),
    );
  });

  /** A withdrawal of 2,000 of 3,000 credits whose payout the bank returned after the money left the connected account again. */
  async function unreversibleFailure(): Promise<{ performer: SessionUser; withdrawal: { id: string } }> {
    const { performer, accountId } = await stripePerformer(3_000n);
    const { withdrawal } = await app.api.callerAs(performer).payouts.withdrawals.request({ credits: 2_000n, idempotencyKey: randomUUID() });
    await app.api.callerAs(admin).payouts.admin.approveMany({ ids: [withdrawal.id] });
    const payoutId = (await app.api.callerAs(admin).payouts.admin.queue({ performer: performer.username }))[0]?.stripePayoutId ?? "";

    stripeHarness.hold();
    await stripeHarness.control(`/payouts/${payoutId}/fail`, { failure_code: "could_not_process" });
    const failure = await waitFor(() => Promise.resolve(stripeHarness.held.find((delivery) => delivery.body.includes('"payout.failed"'))), "the payout.failed event");
    const balance = await app.stripe().balance.retrieve({}, { stripeAccount: accountId });
    const returned = balance.available.find((line) => line.amount > 0);
    await app.stripe().payouts.create({ amount: returned?.amount ?? 0, currency: returned?.currency ?? "usd" }, { stripeAccount: accountId });
    stripeHarness.release();

    expect((await stripeHarness.deliver(failure.body, failure.signature)).status).toBe(200);
    return { performer, withdrawal };
  }

  it("holds the credits for an admin when the failed payout's transfer can't be reversed, and lets the admin settle it", async () => {
    const { performer, withdrawal } = await unreversibleFailure();
    expect(await statusOf(withdrawal.id)).toBe("NEEDS_RECONCILIATION");
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 1_000n, held: 2_000n });
    const open = await app.api.callerAs(admin).payouts.admin.queue({ status: "OPEN", performer: performer.username });
    expect(open.map((row) => [row.id, row.status, row.statusLabel])).toEqual([[withdrawal.id, "NEEDS_RECONCILIATION", "Needs reconciliation"]]);
    expect(open[0]?.events.at(-1)?.note).toMatch(/The transfer could not be reversed \(Stripe: Insufficient funds/);

    // The performer keeps the money: the admin settles it as paid, and the held credits leave once.
    await app.api.callerAs(admin).payouts.admin.markPaid({ id: withdrawal.id, reference: "Kept in Stripe account" });
    expect(await statusOf(withdrawal.id)).toBe("PAID");
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 1_000n, held: 0n });
  });

  it("lets the admin reject one held for reconciliation once the money is recovered: the credits come back, once", async () => {
    const { performer, withdrawal } = await unreversibleFailure();
    expect(await statusOf(withdrawal.id)).toBe("NEEDS_RECONCILIATION");
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 1_000n, held: 2_000n });

    await app.api.callerAs(admin).payouts.admin.rejectMany({ ids: [withdrawal.id], reason: "Recovered from the performer's Stripe account" });

    expect(await statusOf(withdrawal.id)).toBe("REJECTED");
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 3_000n, held: 0n });
    const again = await app.api.callerAs(admin).payouts.admin.rejectMany({ ids: [withdrawal.id], reason: "Recovered from the performer's Stripe account" });
    expect(again).toEqual([expect.objectContaining({ ok: false })]);
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 3_000n, held: 0n });
  });

  it("one failure delivered twice at once reverses the transfer once and returns the credits once", async () => {
    const { performer } = await stripePerformer(1_000n);
    const { withdrawal } = await app.api.callerAs(performer).payouts.withdrawals.request({ credits: 1_000n, idempotencyKey: randomUUID() });
    await app.api.callerAs(admin).payouts.admin.approveMany({ ids: [withdrawal.id] });
    const payoutId = (await app.api.callerAs(admin).payouts.admin.queue({ performer: performer.username }))[0]?.stripePayoutId ?? "";
    stripeHarness.hold();
    await stripeHarness.control(`/payouts/${payoutId}/fail`, { failure_code: "account_closed" });
    const failure = await waitFor(() => Promise.resolve(stripeHarness.held.find((delivery) => delivery.body.includes('"payout.failed"'))), "the payout.failed event");
    stripeHarness.release();
    const [first, second] = await Promise.all([stripeHarness.deliver(failure.body, failure.signature), stripeHarness.deliver(failure.body, failure.signature)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await statusOf(withdrawal.id)).toBe("FAILED");
    const transferId = (await app.pool.query<{ id: string }>("SELECT stripe_transfer_id AS id FROM withdrawals WHERE id = $1", [withdrawal.id])).rows[0]?.id ?? "";
    expect((await app.stripe().transfers.listReversals(transferId)).data).toHaveLength(1);
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ earnings: 1_000n, held: 0n });
  });

  it("can't be marked paid by hand", async () => {
    const { performer } = await stripePerformer(2_000n);
    const { withdrawal } = await app.api.callerAs(performer).payouts.withdrawals.request({ credits: 500n, idempotencyKey: randomUUID() });
    await app.api.callerAs(admin).payouts.admin.approve({ id: withdrawal.id });
    expect(await app.api.refusalCodeOf(() => app.api.callerAs(admin).payouts.admin.markPaid({ id: withdrawal.id, reference: "MANUAL" }))).toBe("BAD_REQUEST");
  });
});
