import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { deliverAllDue } from "@/server/outbox/relay";
import { walletBalances } from "@/server/ledger/balances";
import { fundUser } from "@/server/testing/factories";
import { applyAsPerformer } from "../accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { PROFILE_DETAILS, configurePayouts, endPayoutLock, readyToWithdraw } from "@/server/testing/payouts";
import { callerAs, expectLedgerInvariantsHold, fieldErrorsOf, ledgerTransactionCount, refusalCodeOf } from "@/server/testing/api";
import { recordStatusEvents } from "@/server/testing/status-events";

const sendEmail = vi.hoisted(() => vi.fn(async () => undefined));
vi.mock("@/server/integrations/email", () => ({ sendEmail }));
const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

let admin: SessionUser;
let member: SessionUser;

async function messageOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.message;
    throw error;
  }
}

const request = (performer: SessionUser, credits: bigint, idempotencyKey: string = randomUUID()) =>
  callerAs(performer).payouts.withdrawals.request({ credits, idempotencyKey });

/** A performer with a complete PayPal profile past its lock and `credits` in their Earnings wallet. */
async function fundedPerformer(credits: bigint, label = "Payee"): Promise<SessionUser> {
  const performer = await makePerformer(admin, label);
  await readyToWithdraw(performer);
  await fundUser(pool, performer.id, credits, "earnings");
  return performer;
}

function emailsTo(user: SessionUser): Array<{ subject: string; text: string }> {
  return (sendEmail.mock.calls as unknown as Array<[{ to: string; subject: string; text: string }]>)
    .filter(([message]) => message.to === user.email)
    .map(([message]) => ({ subject: message.subject, text: message.text }));
}

async function clearingBalance(): Promise<bigint> {
  const { rows } = await pool.query<{ balance: string }>(
    `SELECT a.balance + coalesce((SELECT sum(d.amount) FROM ledger_unfolded_deltas d WHERE d.account_id = a.id), 0) AS balance
       FROM ledger_accounts a WHERE a.code = 'system:payout_clearing:CRD'`,
  );
  return BigInt(rows[0]?.balance ?? "0");
}

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember();
  await configurePayouts(admin);
});

// What earlier tests left in the outbox is delivered before this one starts, so it can't appear in its emails.
beforeEach(async () => {
  await deliverAllDue(pool);
  sendEmail.mockClear();
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

describe("requesting a withdrawal", () => {
  it("holds the credits at once, quotes the money, records who asked, and emails the performer", async () => {
    const performer = await fundedPerformer(5_000n);
    const { withdrawal, replayed } = await request(performer, 1_000n);
    expect(replayed).toBe(false);
    expect(withdrawal).toMatchObject({ status: "REQUESTED", credits: 1_000n, currency: "USD", grossMinor: 5_000n, feeMinor: 130n, netMinor: 4_870n, method: "PAYPAL" });
    expect(await walletBalances(pool, performer.id)).toMatchObject({ earnings: 4_000n, held: 1_000n });
    expect(withdrawal.events).toEqual([
      { fromStatus: null, toStatus: "REQUESTED", actorName: performer.displayName, actorIsPerformer: true, note: null, at: expect.any(Date) as Date },
    ]);
    const { rows } = await pool.query<{ kind: string; hold: string }>(
      `SELECT t.kind, w.hold_transaction_id AS hold FROM withdrawals w JOIN ledger_transactions t ON t.id = w.hold_transaction_id WHERE w.id = $1`,
      [withdrawal.id],
    );
    expect(rows[0]?.kind).toBe("WITHDRAWAL_HOLD");
    await deliverAllDue(pool);
    expect(emailsTo(performer)).toEqual([expect.objectContaining({ subject: "Withdrawal requested: 1,000 credits" })]);
    expect(emailsTo(performer)[0]?.text).toContain("$48.70 to your PayPal after a $1.30 fee");
    expect(trigger).toHaveBeenCalledWith(`private-user-${performer.id}`, "wallet.updated", expect.anything());
  });

  it("returns the first request for a retry with the same key and refuses the key for another amount", async () => {
    const performer = await fundedPerformer(5_000n);
    const key = randomUUID();
    const first = await request(performer, 500n, key);
    const count = await ledgerTransactionCount();
    const retry = await request(performer, 500n, key);
    expect(retry).toMatchObject({ replayed: true, withdrawal: { id: first.withdrawal.id } });
    expect(await refusalCodeOf(() => request(performer, 600n, key))).toBe("CONFLICT");
    expect(await ledgerTransactionCount()).toBe(count);
    expect((await walletBalances(pool, performer.id)).held).toBe(500n);
  });

  it.each([
    [2, 600n, 1_000n, 1],
    [10, 300n, 2_000n, 6],
  ])("%i concurrent requests of %s from %s available: %i succeed, the rest are refused", async (requests, credits, available, succeeding) => {
    const performer = await fundedPerformer(available);
    const outcomes = await Promise.all(Array.from({ length: requests }, () => refusalCodeOf(() => request(performer, credits))));
    expect(outcomes.filter((outcome) => outcome === "OK")).toHaveLength(succeeding);
    expect(outcomes.filter((outcome) => outcome !== "OK").every((outcome) => outcome === "INSUFFICIENT_FUNDS")).toBe(true);
    const balances = await walletBalances(pool, performer.id);
    expect(balances).toMatchObject({ earnings: available - credits * BigInt(succeeding), held: credits * BigInt(succeeding) });
    expect(balances.earnings >= 0n).toBe(true);
    expect(await callerAs(performer).payouts.withdrawals.list()).toHaveLength(succeeding);
  });
});

describe("requests that are refused post nothing", () => {
  let performer: SessionUser;
  beforeAll(async () => {
    performer = await fundedPerformer(3_000n, "Refused");
  });

  it.each([
    ["below the method's minimum", 199n, "BAD_REQUEST", "The minimum withdrawal for PayPal is 200 credits."],
    ["above what is available", 3_001n, "INSUFFICIENT_FUNDS", "You have 3,000 credits of earnings to withdraw."],
    ["above the method's maximum", 100_001n, "BAD_REQUEST", "The maximum withdrawal for PayPal is 100,000 credits."],
    ["zero credits", 0n, "BAD_REQUEST", null],
  ])("%s", async (_case, credits, code, message) => {
    const count = await ledgerTransactionCount();
    expect(await refusalCodeOf(() => request(performer, credits))).toBe(code);
    if (message) expect(await messageOf(() => request(performer, credits))).toBe(message);
    expect(await ledgerTransactionCount()).toBe(count);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ earnings: 3_000n, held: 0n });
  });

  it("without a payout profile", async () => {
    const bare = await makePerformer(admin, "No profile");
    await fundUser(pool, bare.id, 1_000n, "earnings");
    const count = await ledgerTransactionCount();
    expect(await messageOf(() => request(bare, 500n))).toBe("Add your payout details before requesting a withdrawal.");
    expect(await ledgerTransactionCount()).toBe(count);
  });

  it("with a profile an admin's new required field made incomplete", async () => {
    const other = await fundedPerformer(1_000n, "Incomplete");
    const field = await callerAs(admin).payouts.settings.saveField({
      key: "phone_for_payouts",
      label: "Payout phone",
      format: "text",
      required: true,
      sensitive: false,
      methods: ["PAYPAL"],
      sortOrder: 90,
      active: true,
    });
    try {
      const count = await ledgerTransactionCount();
      expect(await refusalCodeOf(() => request(other, 500n))).toBe("PRECONDITION_FAILED");
      expect(await messageOf(() => request(other, 500n))).toBe("Your payout profile is incomplete: add Payout phone.");
      expect(await ledgerTransactionCount()).toBe(count);
    } finally {
      await callerAs(admin).payouts.settings.saveField({ ...field, methods: [...field.methods], active: false });
    }
    expect((await request(other, 500n)).withdrawal.status).toBe("REQUESTED");
  });

  it("with a method the admin no longer offers", async () => {
    const banker = await makePerformer(admin, "Banker");
    await readyToWithdraw(banker, { method: "BANK_TRANSFER" });
    await fundUser(pool, banker.id, 2_000n, "earnings");
    await callerAs(admin).payouts.settings.removeMethod({ method: "BANK_TRANSFER" });
    try {
      expect(await refusalCodeOf(() => request(banker, 1_500n))).toBe("PRECONDITION_FAILED");
    } finally {
      await callerAs(admin).payouts.settings.setMethod({ method: "BANK_TRANSFER", fixedMinor: 100n, percentBps: 0, minCredits: 1_000n, maxCredits: 500_000n });
    }
    expect((await request(banker, 1_500n)).withdrawal).toMatchObject({ method: "BANK_TRANSFER", grossMinor: 7_500n, feeMinor: 100n, netMinor: 7_400n });
  });
});

describe("the payout-method lock", () => {
  it("blocks withdrawals after the first setup and after each change of method or details, not after an unchanged save", async () => {
    const performer = await makePerformer(admin, "Locked");
    await fundUser(pool, performer.id, 2_000n, "earnings");
    const saved = await callerAs(performer).payouts.profile.save({ method: "PAYPAL", currency: "usd", details: PROFILE_DETAILS.PAYPAL });
    expect(saved.changed).toBe(true);
    expect(saved.lockedUntil?.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const count = await ledgerTransactionCount();
    expect(await refusalCodeOf(() => request(performer, 500n))).toBe("PRECONDITION_FAILED");
    expect(await messageOf(() => request(performer, 500n))).toMatch(/^Your payout details changed recently, so withdrawals are paused until /);
    expect(await ledgerTransactionCount()).toBe(count);

    await endPayoutLock(performer.id);
    const unchanged = await callerAs(performer).payouts.profile.save({ method: "PAYPAL", currency: "USD", details: { ...PROFILE_DETAILS.PAYPAL, legal_name: " Test   Performer " } });
    expect(unchanged).toEqual({ changed: false, lockedUntil: null });
    expect((await request(performer, 500n)).withdrawal.status).toBe("REQUESTED");

    await callerAs(performer).payouts.profile.save({ method: "PAYPAL", currency: "USD", details: { ...PROFILE_DETAILS.PAYPAL, paypal_email: "new@example.com" } });
    expect(await refusalCodeOf(() => request(performer, 500n))).toBe("PRECONDITION_FAILED");
    await endPayoutLock(performer.id);
    await callerAs(performer).payouts.profile.save({ method: "BANK_TRANSFER", currency: "USD", details: PROFILE_DETAILS.BANK_TRANSFER });
    expect(await refusalCodeOf(() => request(performer, 1_000n))).toBe("PRECONDITION_FAILED");
    expect((await callerAs(performer).payouts.withdrawals.overview()).lockedUntil).not.toBeNull();
  });

  it("follows the admin's number of days", async () => {
    const performer = await makePerformer(admin, "Quick");
    await fundUser(pool, performer.id, 1_000n, "earnings");
    await callerAs(admin).settings.set({ key: "payouts", value: { methodLockDays: 0, autoApproveBelowCredits: null } });
    try {
      await callerAs(performer).payouts.profile.save({ method: "PAYPAL", currency: "USD", details: PROFILE_DETAILS.PAYPAL });
      expect((await request(performer, 300n)).withdrawal.status).toBe("REQUESTED");
    } finally {
      await callerAs(admin).settings.set({ key: "payouts", value: { methodLockDays: 7, autoApproveBelowCredits: null } });
    }
  });
});

describe("payout profiles", () => {
  it("checks details against the admin's fields and formats, per method", async () => {
    const performer = await makePerformer(admin, "Formats");
    const fieldErrors = await fieldErrorsOf(() =>
      callerAs(performer).payouts.profile.save({
        method: "BANK_TRANSFER",
        currency: "USD",
        details: { legal_name: "", country: "ZZ", tax_id: "1", iban: "DE89370400440532013001", swift: "DEUT" },
      }),
    );
    expect(Object.keys(fieldErrors).sort()).toEqual(["country", "iban", "legal_name", "swift", "tax_id"]);
    expect(fieldErrors.iban).toEqual(["This IBAN is not valid; check it against your bank statement."]);
    expect(await refusalCodeOf(() => callerAs(performer).payouts.profile.save({ method: "PAYPAL", currency: "EUR", details: PROFILE_DETAILS.PAYPAL }))).toBe("BAD_REQUEST");
    expect((await callerAs(performer).payouts.profile.get()).profile).toBeNull();
  });

  it("lets an applicant fill one, which the reviewing admin sees masked, and reveals it in full with an audit row", async () => {
    const applicant = await makeMember("applicant");
    await applyAsPerformer(applicant, { stageName: "Hopeful", bio: "Bio" });
    await callerAs(applicant).payouts.profile.save({ method: "PAYPAL", currency: "USD", details: PROFILE_DETAILS.PAYPAL });
    const masked = await callerAs(admin).payouts.admin.profile({ performerId: applicant.id });
    expect(masked?.lines.map((line) => [line.label, line.value])).toEqual([
      ["Legal name", "Test Performer"],
      ["Country", "US"],
      ["Tax ID", "•••• 4321"],
      ["PayPal email", "p••••@example.com"],
    ]);
    const revealed = await callerAs(admin).payouts.admin.revealProfile({ performerId: applicant.id });
    expect(revealed.lines.find((line) => line.key === "paypal_email")?.value).toBe("performer@example.com");
    const { rows } = await pool.query("SELECT 1 FROM audit_log WHERE action = 'payout_profile.revealed' AND actor_id = $1 AND target_id = $2", [admin.id, applicant.id]);
    expect(rows).toHaveLength(1);
    expect(await refusalCodeOf(() => callerAs(applicant).payouts.withdrawals.request({ credits: 500n, idempotencyKey: randomUUID() }))).toBe("FORBIDDEN");
  });
});

describe("cancel, reject, approve and pay", () => {
  it("lets the performer cancel a requested withdrawal, reversing the hold once", async () => {
    const performer = await fundedPerformer(2_000n);
    const { withdrawal } = await request(performer, 800n);
    const cancelled = await callerAs(performer).payouts.withdrawals.cancel({ id: withdrawal.id });
    expect(cancelled.status).toBe("CANCELLED");
    expect(await walletBalances(pool, performer.id)).toMatchObject({ earnings: 2_000n, held: 0n });
    const { rows } = await pool.query<{ kind: string; reverses: string }>(
      `SELECT t.kind, t.reverses_id AS reverses FROM withdrawals w JOIN ledger_transactions t ON t.id = w.release_transaction_id WHERE w.id = $1`,
      [withdrawal.id],
    );
    expect(rows[0]).toEqual({ kind: "REVERSAL", reverses: (await holdIdOf(withdrawal.id)).toString() });
    const count = await ledgerTransactionCount();
    expect(await messageOf(() => callerAs(performer).payouts.withdrawals.cancel({ id: withdrawal.id }))).toBe("This withdrawal is already cancelled.");
    expect(await ledgerTransactionCount()).toBe(count);
    await deliverAllDue(pool);
    expect(emailsTo(performer).map((email) => email.subject)).toEqual(["Withdrawal requested: 800 credits", "Withdrawal cancelled"]);
  });

  it("lets an admin reject with a reason the performer reads, reversing the hold", async () => {
    const performer = await fundedPerformer(2_000n);
    const { withdrawal } = await request(performer, 800n);
    expect(await refusalCodeOf(() => callerAs(admin).payouts.admin.reject({ id: withdrawal.id, reason: "" }))).toBe("BAD_REQUEST");
    const rejected = await callerAs(admin).payouts.admin.reject({ id: withdrawal.id, reason: "Tax ID does not match the legal name" });
    expect(rejected).toMatchObject({ status: "REJECTED", reason: "Tax ID does not match the legal name" });
    expect(rejected.events.at(-1)).toMatchObject({ fromStatus: "REQUESTED", toStatus: "REJECTED", actorName: admin.displayName, note: "Tax ID does not match the legal name" });
    expect(await walletBalances(pool, performer.id)).toMatchObject({ earnings: 2_000n, held: 0n });
    await deliverAllDue(pool);
    expect(emailsTo(performer).at(-1)?.text).toContain("was rejected: Tax ID does not match the legal name");
    expect(await refusalCodeOf(() => callerAs(performer).payouts.withdrawals.cancel({ id: withdrawal.id }))).toBe("CONFLICT");
  });

  it("approves, then marks paid with a reference: held credits leave for payout clearing, once", async () => {
    const performer = await fundedPerformer(2_000n);
    const { withdrawal } = await request(performer, 1_000n);
    const clearingBefore = await clearingBalance();
    const approved = await callerAs(admin).payouts.admin.approve({ id: withdrawal.id });
    expect(approved).toMatchObject({ payoutError: null, withdrawal: { status: "APPROVED" } });

    const count = await ledgerTransactionCount();
    expect(await messageOf(() => callerAs(admin).payouts.admin.approve({ id: withdrawal.id }))).toBe("This withdrawal is already approved.");
    expect(await refusalCodeOf(() => callerAs(performer).payouts.withdrawals.cancel({ id: withdrawal.id }))).toBe("CONFLICT");
    expect(await refusalCodeOf(() => callerAs(admin).payouts.admin.markPaid({ id: withdrawal.id, reference: "" }))).toBe("BAD_REQUEST");
    expect(await ledgerTransactionCount()).toBe(count);

    const paid = await callerAs(admin).payouts.admin.markPaid({ id: withdrawal.id, reference: "PAYPAL-7XK2" });
    expect(paid).toMatchObject({ status: "PAID", reference: "PAYPAL-7XK2" });
    expect(paid.events.map((event) => [event.toStatus, event.actorName])).toEqual([
      ["REQUESTED", performer.displayName],
      ["APPROVED", admin.displayName],
      ["PAID", admin.displayName],
    ]);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ earnings: 1_000n, held: 0n });
    expect((await clearingBalance()) - clearingBefore).toBe(1_000n);
    expect(await refusalCodeOf(() => callerAs(admin).payouts.admin.markPaid({ id: withdrawal.id, reference: "AGAIN" }))).toBe("CONFLICT");
    expect(await refusalCodeOf(() => callerAs(admin).payouts.admin.reject({ id: withdrawal.id, reason: "Too late" }))).toBe("CONFLICT");
    await deliverAllDue(pool);
    expect(emailsTo(performer).map((email) => email.subject)).toEqual([
      "Withdrawal requested: 1,000 credits",
      "Withdrawal approved: $48.70",
      "Withdrawal paid: $48.70",
    ]);
    await deliverAllDue(pool);
    expect(emailsTo(performer).at(-1)?.text).toContain("Reference: PAYPAL-7XK2.");
  });

  it("approves or rejects many at once, reporting the ones that could not be", async () => {
    const performer = await fundedPerformer(3_000n);
    const ids = [];
    for (let index = 0; index < 3; index += 1) ids.push((await request(performer, 500n)).withdrawal.id);
    await callerAs(admin).payouts.admin.approve({ id: ids[0] ?? "" });
    const outcomes = await callerAs(admin).payouts.admin.approveMany({ ids });
    expect(outcomes).toEqual([
      { id: ids[0], ok: false, error: "This withdrawal is already approved." },
      { id: ids[1], ok: true, status: "APPROVED", payoutError: null },
      { id: ids[2], ok: true, status: "APPROVED", payoutError: null },
    ]);
    const rejected = await callerAs(admin).payouts.admin.rejectMany({ ids, reason: "Duplicate requests" });
    expect(rejected.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ earnings: 3_000n, held: 0n });
  });

  it("approves at request time while the performer's requests over 24 hours stay within the admin's amount, and only then", async () => {
    const performer = await fundedPerformer(3_000n);
    const other = await fundedPerformer(3_000n);
    await callerAs(admin).settings.set({ key: "payouts", value: { methodLockDays: 7, autoApproveBelowCredits: 600n } });
    try {
      const large = await request(other, 601n);
      expect(large.withdrawal.status).toBe("REQUESTED");

      const first = await request(performer, 300n);
      expect(first.withdrawal.status).toBe("APPROVED");
      expect(first.withdrawal.events.at(-1)).toMatchObject({
        toStatus: "APPROVED",
        actorName: null,
        note: "Approved automatically: 600 credits or less requested in 24 hours",
      });
      expect((await request(performer, 300n)).withdrawal.status).toBe("APPROVED");
      // A large withdrawal split into small requests: the third passes the amount over the window, so it waits.
      expect((await request(performer, 200n)).withdrawal.status).toBe("REQUESTED");
      // A request that ended without paying out (cancelled here) does not count.
      await callerAs(other).payouts.withdrawals.cancel({ id: large.withdrawal.id });
      expect((await request(other, 600n)).withdrawal.status).toBe("APPROVED");
    } finally {
      await callerAs(admin).settings.set({ key: "payouts", value: { methodLockDays: 7, autoApproveBelowCredits: null } });
    }
  });
});

describe("status events for open pages", () => {
  const eventsOf = recordStatusEvents(trigger, "withdrawal.updated");
  const heard = (performer: SessionUser) => [`private-user-${performer.id}`, "private-admins"];

  it("tells the performer and the admins of every change, each after it committed", async () => {
    const performer = await fundedPerformer(5_000n);
    const paid = (await request(performer, 1_000n)).withdrawal;
    await deliverAllDue(pool);
    await callerAs(admin).payouts.admin.approve({ id: paid.id });
    await deliverAllDue(pool);
    await callerAs(admin).payouts.admin.markPaid({ id: paid.id, reference: "PAYPAL-EVENTS" });
    await deliverAllDue(pool);
    const cancelled = (await request(performer, 500n)).withdrawal;
    await deliverAllDue(pool);
    await callerAs(performer).payouts.withdrawals.cancel({ id: cancelled.id });
    await deliverAllDue(pool);
    const rejected = (await request(performer, 500n)).withdrawal;
    await deliverAllDue(pool);
    await callerAs(admin).payouts.admin.rejectMany({ ids: [rejected.id], reason: "Not this time" });

    const expected = (statuses: string[]) => statuses.map((status) => ({ channels: heard(performer), status, committed: true }));
    await deliverAllDue(pool);
    expect(eventsOf(paid.id)).toEqual(expected(["REQUESTED", "APPROVED", "PAID"]));
    expect(eventsOf(cancelled.id)).toEqual(expected(["REQUESTED", "CANCELLED"]));
    expect(eventsOf(rejected.id)).toEqual(expected(["REQUESTED", "REJECTED"]));
  });

  it("announces nothing for a refused change or a replayed request", async () => {
    const performer = await fundedPerformer(2_000n);
    const key = randomUUID();
    const { withdrawal } = await request(performer, 500n, key);
    await request(performer, 500n, key);
    await callerAs(performer).payouts.withdrawals.cancel({ id: withdrawal.id });
    await refusalCodeOf(() => callerAs(admin).payouts.admin.approve({ id: withdrawal.id }));
    await deliverAllDue(pool);
    expect(eventsOf(withdrawal.id).map((event) => event.status)).toEqual(["REQUESTED", "CANCELLED"]);
  });
});

async function holdIdOf(withdrawalId: string): Promise<bigint> {
  const { rows } = await pool.query<{ id: string }>("SELECT hold_transaction_id AS id FROM withdrawals WHERE id = $1", [withdrawalId]);
  return BigInt(rows[0]?.id ?? "0");
}

describe("the admin queue", () => {
  it("filters by status, performer, method and date, masks details, reveals them with an audit row, and counts what waits", async () => {
    const performer = await fundedPerformer(5_000n, "Queue Star");
    const banker = await makePerformer(admin, "Queue Banker");
    await readyToWithdraw(banker, { method: "BANK_TRANSFER" });
    await fundUser(pool, banker.id, 5_000n, "earnings");
    const paypal = (await request(performer, 1_000n)).withdrawal;
    const bank = (await request(banker, 2_000n)).withdrawal;
    await callerAs(admin).payouts.admin.reject({ id: (await request(performer, 300n)).withdrawal.id, reason: "Split it" });

    const mine = await callerAs(admin).payouts.admin.queue({ performer: "queue star" });
    expect(mine.map((row) => row.credits)).toEqual([300n, 1_000n]);
    expect((await callerAs(admin).payouts.admin.queue({ performer: "Queue", status: "OPEN" })).map((row) => row.id)).toEqual([paypal.id, bank.id]);
    expect((await callerAs(admin).payouts.admin.queue({ performer: "Queue", method: "BANK_TRANSFER" })).map((row) => row.id)).toEqual([bank.id]);
    expect((await callerAs(admin).payouts.admin.queue({ performer: "Queue", status: "REJECTED" })).map((row) => row.credits)).toEqual([300n]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await callerAs(admin).payouts.admin.queue({ performer: "Queue", from: today, to: today })).toHaveLength(3);
    expect(await callerAs(admin).payouts.admin.queue({ performer: "Queue", to: "2020-01-01" })).toHaveLength(0);

    const bankRow = (await callerAs(admin).payouts.admin.queue({ performer: "Queue Banker" }))[0];
    expect(bankRow?.details.find((line) => line.key === "iban")).toMatchObject({ value: "•••• 3000", masked: true });
    const revealed = await callerAs(admin).payouts.admin.revealDetails({ id: bank.id });
    expect(revealed.find((line) => line.key === "iban")?.value).toBe("DE89370400440532013000");
    const audit = await pool.query("SELECT 1 FROM audit_log WHERE action = 'withdrawal.details_revealed' AND target_id = $1 AND actor_id = $2", [bank.id, admin.id]);
    expect(audit.rows).toHaveLength(1);

    const waiting = await callerAs(admin).payouts.admin.pendingCount();
    await callerAs(admin).payouts.admin.approve({ id: bank.id });
    expect(await callerAs(admin).payouts.admin.pendingCount()).toBe(waiting);
    await callerAs(admin).payouts.admin.markPaid({ id: bank.id, reference: "SEPA-1" });
    expect(await callerAs(admin).payouts.admin.pendingCount()).toBe(waiting - 1);
  });
});

describe("who may do what", () => {
  it("keeps each performer to their own withdrawals and profile, members out, and review to admins", async () => {
    const owner = await fundedPerformer(2_000n, "Owner");
    const other = await fundedPerformer(2_000n, "Other");
    const { withdrawal } = await request(owner, 500n);
    const count = await ledgerTransactionCount();
    expect({
      otherCancels: await refusalCodeOf(() => callerAs(other).payouts.withdrawals.cancel({ id: withdrawal.id })),
      otherSeesInList: (await callerAs(other).payouts.withdrawals.list()).some((row) => row.id === withdrawal.id),
      otherReadsProfile: await refusalCodeOf(() => callerAs(other).payouts.admin.profile({ performerId: owner.id })),
      otherRevealsProfile: await refusalCodeOf(() => callerAs(other).payouts.admin.revealProfile({ performerId: owner.id })),
      otherRevealsDetails: await refusalCodeOf(() => callerAs(other).payouts.admin.revealDetails({ id: withdrawal.id })),
      performerApproves: await refusalCodeOf(() => callerAs(owner).payouts.admin.approve({ id: withdrawal.id })),
      performerMarksPaid: await refusalCodeOf(() => callerAs(owner).payouts.admin.markPaid({ id: withdrawal.id, reference: "SELF" })),
      performerQueue: await refusalCodeOf(() => callerAs(owner).payouts.admin.queue({})),
      performerConfigures: await refusalCodeOf(() => callerAs(owner).payouts.settings.setRate({ currency: "USD", credits: 1n, amountMinor: 100n })),
      memberRequests: await refusalCodeOf(() => callerAs(member).payouts.withdrawals.request({ credits: 500n, idempotencyKey: randomUUID() })),
      memberOverview: await refusalCodeOf(() => callerAs(member).payouts.withdrawals.overview()),
      memberProfile: await refusalCodeOf(() => callerAs(member).payouts.profile.get()),
      memberSavesProfile: await refusalCodeOf(() => callerAs(member).payouts.profile.save({ method: "PAYPAL", currency: "USD", details: PROFILE_DETAILS.PAYPAL })),
      adminRequests: await refusalCodeOf(() => callerAs(admin).payouts.withdrawals.request({ credits: 500n, idempotencyKey: randomUUID() })),
      anonymousQueue: await refusalCodeOf(() => callerAs(null).payouts.admin.queue({})),
      anonymousRequests: await refusalCodeOf(() => callerAs(null).payouts.withdrawals.request({ credits: 500n, idempotencyKey: randomUUID() })),
    }).toEqual({
      otherCancels: "NOT_FOUND",
      otherSeesInList: false,
      otherReadsProfile: "FORBIDDEN",
      otherRevealsProfile: "FORBIDDEN",
      otherRevealsDetails: "FORBIDDEN",
      performerApproves: "FORBIDDEN",
      performerMarksPaid: "FORBIDDEN",
      performerQueue: "FORBIDDEN",
      performerConfigures: "FORBIDDEN",
      memberRequests: "FORBIDDEN",
      memberOverview: "FORBIDDEN",
      memberProfile: "FORBIDDEN",
      memberSavesProfile: "FORBIDDEN",
      adminRequests: "FORBIDDEN",
      anonymousQueue: "UNAUTHORIZED",
      anonymousRequests: "UNAUTHORIZED",
    });
    expect((await callerAs(other).payouts.profile.get()).profile?.performerId).toBe(other.id);
    expect(await ledgerTransactionCount()).toBe(count);
    expect((await callerAs(owner).payouts.withdrawals.list()).map((row) => row.status)).toEqual(["REQUESTED"]);
  });
});
