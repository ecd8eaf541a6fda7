import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { isDomainError } from "@/server/domain/errors";
import { startStripeEmulator } from "@/server/local/stripe/server";
import { waitFor } from "@/server/local/stripe/testing";

/**
 * Withdrawals paid through Stripe Connect, below the browser: the real `stripe` SDK against the emulator (connected
 * account, onboarding, transfer, payout), whose signed payout.paid / payout.failed webhooks reach the real route
 * handler. Environment first, app modules after (server/env parses once, at first import).
 */
const API_KEY = "sk_test_payouts_int";
const WEBHOOK_SECRET = "whsec_payouts_int";

const sendEmail = vi.hoisted(() => vi.fn(async () => undefined));
vi.mock("@/server/integrations/email", () => ({ sendEmail }));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: { trigger: async () => ({}) },
}));

let emulator: { url: string; close(): Promise<void> };
let receiver: http.Server;
const outcomes: string[] = [];

let app: {
  POST: (request: Request) => Promise<Response>;
  pool: import("pg").Pool;
  closeDb: () => Promise<void>;
  stripe: typeof import("@/server/integrations/stripe").stripe;
  walletBalances: typeof import("@/server/ledger/balances").walletBalances;
  checkInvariants: typeof import("@/server/ledger/invariants").checkInvariants;
  fundUser: typeof import("@/server/testing/factories").fundUser;
  makeAdmin: typeof import("./users.testing").makeAdmin;
  makePerformer: typeof import("./users.testing").makePerformer;
  testing: typeof import("./payouts.testing");
};

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const answer = await app.POST(
        new Request("http://127.0.0.1/api/webhooks/stripe", {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": String(request.headers["stripe-signature"] ?? "") },
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      const text = await answer.text();
      outcomes.push(text);
      response.writeHead(answer.status, { "content-type": "application/json" }).end(text);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  emulator = await startStripeEmulator({
    port: 0,
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
    webhookRetryDelaysMs: [200, 400],
    log: () => undefined,
  });
  Object.assign(process.env, { STRIPE_API_URL: emulator.url, STRIPE_SECRET_KEY: API_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, APP_URL: "http://127.0.0.1:3999" });

  const [route, db, stripeModule, balances, invariants, factories, users, testing] = await Promise.all([
    import("@/app/api/webhooks/stripe/route"),
    import("@/server/db/client"),
    import("@/server/integrations/stripe"),
    import("@/server/ledger/balances"),
    import("@/server/ledger/invariants"),
    import("@/server/testing/factories"),
    import("./users.testing"),
    import("./payouts.testing"),
  ]);
  app = {
    POST: route.POST,
    pool: db.pool,
    closeDb: db.closeDb,
    stripe: stripeModule.stripe,
    walletBalances: balances.walletBalances,
    checkInvariants: invariants.checkInvariants,
    fundUser: factories.fundUser,
    makeAdmin: users.makeAdmin,
    makePerformer: users.makePerformer,
    testing,
  };
  admin = await app.makeAdmin();
  await app.testing.configurePayouts(admin);
});

afterEach(async () => {
  const failed = (await app.checkInvariants(app.pool)).filter((result) => !result.passed);
  expect(failed).toEqual([]);
});

afterAll(async () => {
  await app?.closeDb();
  await emulator?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

let admin: SessionUser;

async function control(path: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function eventsOf(type: string): Promise<Array<{ id: string; data: { object: { id: string } } }>> {
  const response = await fetch(`${emulator.url}/_emulator/events?type=${type}`, { headers: { authorization: `Bearer ${API_KEY}` } });
  return ((await response.json()) as { data: Array<{ id: string; data: { object: { id: string } } }> }).data;
}

async function refusalOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return isDomainError(error.cause) ? error.cause.code : error.code;
    throw error;
  }
}

async function statusOf(withdrawalId: string): Promise<string> {
  const { rows } = await app.pool.query<{ status: string }>("SELECT status FROM withdrawals WHERE id = $1", [withdrawalId]);
  return rows[0]?.status ?? "missing";
}

/** A performer paid through Stripe: profile, connected account through onboarding, lock served, credits. */
async function stripePerformer(credits: bigint, onboard = true): Promise<{ performer: SessionUser; accountId: string }> {
  const performer = await app.makePerformer(admin, "Stripe Payee");
  const api = app.testing.as(performer);
  await api.payouts.profile.save({ method: "STRIPE_CONNECT", currency: "USD", details: { legal_name: "Stripe Payee", country: "US", tax_id: "98-7654321" } });
  const { url } = await api.payouts.profile.startStripeOnboarding({ returnTo: "profile" });
  expect(url).toContain(`${emulator.url}/connect/onboarding/`);
  const status = await api.payouts.profile.stripeStatus();
  const accountId = status.accountId ?? "";
  expect(status).toMatchObject({ accountId: expect.stringMatching(/^acct_/) as string, payoutsEnabled: false });
  if (onboard) await control(`/accounts/${accountId}/complete_onboarding`);
  await app.testing.endPayoutLock(performer.id);
  await app.fundUser(app.pool, performer.id, credits);
  return { performer, accountId };
}

describe("withdrawals paid through Stripe Connect", () => {
  it("refuses to approve while the connected account can't be paid, changing nothing", async () => {
    const { performer } = await stripePerformer(2_000n, false);
    const { withdrawal } = await app.testing.as(performer).payouts.withdrawals.request({ credits: 1_000n, idempotencyKey: randomUUID() });
    const count = await app.testing.transactionCount();
    expect(await refusalOf(() => app.testing.as(admin).payouts.admin.approve({ id: withdrawal.id }))).toBe("PRECONDITION_FAILED");
    expect(await statusOf(withdrawal.id)).toBe("REQUESTED");
    expect(await app.testing.transactionCount()).toBe(count);
  });

  it("transfers and pays out the net on approval, turns PAID on payout.paid, and ignores the event replayed", async () => {
    const { performer, accountId } = await stripePerformer(2_000n);
    const { withdrawal } = await app.testing.as(performer).payouts.withdrawals.request({ credits: 1_000n, idempotencyKey: randomUUID() });
    expect(withdrawal).toMatchObject({ grossMinor: 5_000n, feeMinor: 38n, netMinor: 4_962n });

    const approved = await app.testing.as(admin).payouts.admin.approve({ id: withdrawal.id });
    expect(approved).toMatchObject({ payoutError: null, withdrawal: { status: "PROCESSING", stripePayoutId: expect.stringMatching(/^po_/) as string } });
    const payoutId = approved.withdrawal.stripePayoutId ?? "";
    const transfers = await app.stripe().transfers.list({ destination: accountId });
    expect(transfers.data.map((transfer) => [transfer.amount, transfer.currency, transfer.metadata.withdrawal_id])).toEqual([[4_962, "usd", withdrawal.id]]);
    const payout = await app.stripe().payouts.retrieve(payoutId, {}, { stripeAccount: accountId });
    expect(payout).toMatchObject({ amount: 4_962, currency: "usd", status: "pending", metadata: { withdrawal_id: withdrawal.id } });
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ available: 1_000n, held: 1_000n });
    expect(await refusalOf(() => app.testing.as(admin).payouts.admin.retryPayout({ id: withdrawal.id }))).toBe("CONFLICT");
    expect(await refusalOf(() => app.testing.as(admin).payouts.admin.reject({ id: withdrawal.id, reason: "Changed my mind" }))).toBe("CONFLICT");

    await control(`/payouts/${payoutId}/paid`);
    await waitFor(async () => (await statusOf(withdrawal.id)) === "PAID", "the withdrawal to be paid");
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ available: 1_000n, held: 0n });
    const [paidEvent] = (await eventsOf("payout.paid")).filter((event) => event.data.object.id === payoutId);
    const count = await app.testing.transactionCount();
    const delivered = outcomes.length;
    await control(`/resend/${paidEvent?.id ?? ""}`);
    await waitFor(() => outcomes.length > delivered, "the replayed payout.paid");
    expect(outcomes.at(-1)).toContain('"outcome":"duplicate"');
    expect(await app.testing.transactionCount()).toBe(count);

    const history = (await app.testing.as(performer).payouts.withdrawals.list())[0];
    expect(history?.events.map((event) => [event.toStatus, event.actorName])).toEqual([
      ["REQUESTED", performer.displayName],
      ["APPROVED", admin.displayName],
      ["PROCESSING", admin.displayName],
      ["PAID", null],
    ]);
    const subjects = (sendEmail.mock.calls as unknown as Array<[{ to: string; subject: string }]>)
      .filter(([message]) => message.to === performer.email)
      .map(([message]) => message.subject);
    expect(subjects).toEqual([
      "Withdrawal requested: 1,000 credits",
      "Withdrawal approved: $49.62",
      "Withdrawal on its way: $49.62",
      "Withdrawal paid: $49.62",
    ]);
  });

  it("returns the credits when the bank returns the payout, once however often the event arrives", async () => {
    const { performer } = await stripePerformer(3_000n);
    const { withdrawal } = await app.testing.as(performer).payouts.withdrawals.request({ credits: 2_000n, idempotencyKey: randomUUID() });
    const approved = await app.testing.as(admin).payouts.admin.approveMany({ ids: [withdrawal.id] });
    expect(approved).toEqual([{ id: withdrawal.id, ok: true, status: "PROCESSING", payoutError: null }]);
    const payoutId = (await app.testing.as(admin).payouts.admin.queue({ performer: performer.username }))[0]?.stripePayoutId ?? "";

    await control(`/payouts/${payoutId}/fail`, { failure_code: "account_closed" });
    await waitFor(async () => (await statusOf(withdrawal.id)) === "FAILED", "the withdrawal to fail");
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ available: 3_000n, held: 0n });
    const { rows } = await app.pool.query<{ kind: string; reverses: string; hold: string }>(
      `SELECT t.kind, t.reverses_id AS reverses, w.hold_transaction_id AS hold
         FROM withdrawals w JOIN ledger_transactions t ON t.id = w.release_transaction_id WHERE w.id = $1`,
      [withdrawal.id],
    );
    expect(rows[0]?.kind).toBe("REVERSAL");
    expect(rows[0]?.reverses).toBe(rows[0]?.hold);
    const last = (await app.testing.as(performer).payouts.withdrawals.list())[0]?.events.at(-1);
    expect(last).toMatchObject({ toStatus: "FAILED", actorName: null, note: "The bank account has been closed." });

    const [failedEvent] = (await eventsOf("payout.failed")).filter((event) => event.data.object.id === payoutId);
    const count = await app.testing.transactionCount();
    const delivered = outcomes.length;
    await control(`/resend/${failedEvent?.id ?? ""}`);
    await waitFor(() => outcomes.length > delivered, "the replayed payout.failed");
    expect(outcomes.at(-1)).toContain('"outcome":"duplicate"');
    expect(await app.testing.transactionCount()).toBe(count);
    expect(await app.walletBalances(app.pool, performer.id)).toMatchObject({ available: 3_000n, held: 0n });
  });

  it("can't be marked paid by hand", async () => {
    const { performer } = await stripePerformer(2_000n);
    const { withdrawal } = await app.testing.as(performer).payouts.withdrawals.request({ credits: 500n, idempotencyKey: randomUUID() });
    await app.testing.as(admin).payouts.admin.approve({ id: withdrawal.id });
    expect(await refusalOf(() => app.testing.as(admin).payouts.admin.markPaid({ id: withdrawal.id, reference: "MANUAL" }))).toBe("BAD_REQUEST");
  });
});
