import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { isDomainError } from "@/server/domain/errors";
import { messageIdFor } from "@/server/domain/outbox";
import { env } from "@/server/env";
import { walletBalances } from "@/server/ledger/balances";
import type { CapturedMessage } from "@/server/local/mail/server";
import { deliverAllDue, deliverDue } from "@/server/outbox/relay";
import { fundUser, fundWallet } from "@/server/testing/factories";
import { crashNextRelayPass } from "@/server/testing/relay-crash";
import { countRoundTrips } from "@/server/testing/round-trips";
import { routeRequestAs } from "@/server/testing/session-cookie";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { createClubWallet } from "@/server/testing/wallets";
import { callerAs, expectLedgerInvariantsHold, ledgerTransactionCount, refusalCodeOf } from "@/server/testing/api";
import { membershipChargeAnnouncements, walletUpdates } from "./charges";
import { membershipNoticeMessage } from "./notice-emails";
import { type SubscribeInput, type SubscribeResult, subscribe, subscribeInTransaction, subscribeSchema } from "./subscriptions";

/**
 * A join posts in one statement (SUBSCRIBE_SQL) when everything qualifies, and goes down the transactional path
 * otherwise; the statement re-implements the path's checks (assertCanSubscribe among them), so each case here runs
 * both ways and must end alike.
 */

// Emails really go out, to a mail sink of this file's own (SMTP_URL must be set before server/env is first imported).
const mailSink = await vi.hoisted(async () => {
  const { startMailSink } = await import("@/server/local/mail/server");
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  process.env.SMTP_URL = sink.smtpUrl;
  return sink;
});

const trigger = vi.hoisted(() => vi.fn<(channels: string | string[], event: string, data?: unknown) => Promise<object>>(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

const DAY = 86_400_000;

let admin: SessionUser;
let luna: SessionUser;
let planId: string;
let sitePlanId: string;
let retiredPlanId: string;
let suspendedPlanId: string;

beforeAll(async () => {
  admin = await makeAdmin();
  luna = await makePerformer(admin, "Luna Trip");
  await callerAs(admin).commissions.set({ kind: "MEMBERSHIP", performerShareBps: 7500 });
  planId = (await callerAs(luna).memberships.createPlan({ name: "Trip Club", price: 101n, periodDays: 30 })).id;
  sitePlanId = (await callerAs(admin).memberships.siteAdmin.createPlan({ name: "Trip Premium", price: 200n, periodDays: 7 })).id;
  const retired = await callerAs(luna).memberships.createPlan({ name: "Old Club", price: 10n, periodDays: 30 });
  await callerAs(luna).memberships.updatePlan({ ...retired, active: false });
  retiredPlanId = retired.id;
  const suspended = await makePerformer(admin, "Gone Trip");
  suspendedPlanId = (await callerAs(suspended).memberships.createPlan({ name: "Gone Club", price: 10n, periodDays: 30 })).id;
  await pool.query("UPDATE users SET status = 'SUSPENDED' WHERE id = $1", [suspended.id]);
  await createClubWallet(admin);
});

beforeEach(async () => {
  await deliverAllDue(pool);
  trigger.mockClear();
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
  await mailSink.close();
});

async function fundedMember(credits: bigint, label = "tripper"): Promise<SessionUser> {
  const member = await makeMember(label);
  if (credits > 0n) await fundUser(pool, member.id, credits);
  return member;
}

/** The user's mail in the sink, once the outbox has delivered everything written so far. */
async function mailTo(user: SessionUser): Promise<CapturedMessage[]> {
  await deliverAllDue(pool);
  const response = await fetch(`${mailSink.url}/messages?to=${encodeURIComponent(user.email)}`);
  return (await response.json()) as CapturedMessage[];
}

type Path = (memberId: string, input: SubscribeInput) => Promise<SubscribeResult>;
const oneStatement: Path = subscribe;
const transactional: Path = (memberId, input) => subscribeInTransaction(memberId, subscribeSchema.parse(input));

type Outcome = { ok: true; replayed: boolean; planName: string; price: string; days: number } | { ok: false; code: string; message: string };

/** "OK" when a service's join succeeds; else its refusal's code. */
async function codeOf(join: Promise<SubscribeResult>): Promise<string> {
  try {
    await join;
    return "OK";
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
}

const settle = (join: Promise<SubscribeResult>) => join.then((result) => ({ result }), (error: unknown) => ({ error }));

async function outcomeOf(settled: { result: SubscribeResult } | { error: unknown }): Promise<Outcome> {
  if ("error" in settled) {
    if (!isDomainError(settled.error)) throw settled.error;
    return { ok: false, code: settled.error.code, message: settled.error.message };
  }
  const { result } = settled;
  const { rows } = await pool.query<{ start: Date }>("SELECT current_period_start AS start FROM memberships WHERE id = $1", [result.membershipId]);
  const days = (result.currentPeriodEnd.getTime() - rows[0]!.start.getTime()) / DAY;
  return { ok: true, replayed: result.replayed, planName: result.planName, price: result.price.toString(), days };
}

/** The last ledger transaction's id: what a join posts comes after it. */
async function lastTransactionId(): Promise<bigint> {
  const { rows } = await pool.query<{ id: string | null }>("SELECT max(id) AS id FROM ledger_transactions");
  return BigInt(rows[0]?.id ?? "0");
}

/**
 * The member's memberships and what a join posted after transaction `since`, with ids and times named by what they
 * are: each membership's state, the charges posted (their posting's description, metadata, entries and lot) and
 * the outbox messages naming them.
 */
async function rowsOf(memberId: string, since: bigint): Promise<unknown> {
  const { rows: memberships } = await pool.query<{ id: string; plan_id: string; status: string; start: Date; end: Date; period_days: number; wallet_type_id: string; in_grace: boolean; cancelled: boolean }>(
    `SELECT id, plan_id, status, current_period_start AS start, current_period_end AS "end", period_days, wallet_type_id,
            grace_until IS NOT NULL AS in_grace, cancelled_at IS NOT NULL AS cancelled
       FROM memberships WHERE member_id = $1 ORDER BY plan_id`,
    [memberId],
  );
  const snapshot = [];
  for (const membership of memberships) {
    const { rows: charges } = await pool.query<{ period_start: Date; period_end: Date; price: string; transaction_id: string }>(
      "SELECT period_start, period_end, price, transaction_id FROM membership_charges WHERE membership_id = $1 AND transaction_id > $2 ORDER BY period_start",
      [membership.id, since.toString()],
    );
    const postings = [];
    for (const charge of charges) {
      const { rows: [posting] } = await pool.query<{ kind: string; description: string; metadata: Record<string, unknown>; actor_id: string }>(
        "SELECT kind, description, metadata, actor_id FROM ledger_transactions WHERE id = $1",
        [charge.transaction_id],
      );
      const { rows: entries } = await pool.query("SELECT a.code, e.amount, e.currency FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 ORDER BY e.amount", [charge.transaction_id]);
      const { rows: lots } = await pool.query<{ performer_id: string; sale_kind: string; amount: string; remaining: string; matures_at: Date }>(
        "SELECT performer_id, sale_kind, amount, remaining, matures_at FROM earnings_lots WHERE transaction_id = $1",
        [charge.transaction_id],
      );
      const { rows: outbox } = await pool.query("SELECT key, kind, payload FROM outbox_messages WHERE payload ->> 'transactionId' = $1", [charge.transaction_id]);
      postings.push({
        charge: { days: (charge.period_end.getTime() - charge.period_start.getTime()) / DAY, price: charge.price, transaction_id: charge.transaction_id },
        posting,
        entries,
        lots: lots.map(({ matures_at, ...lot }) => ({ ...lot, holdDays: Math.round((matures_at.getTime() - charge.period_start.getTime()) / DAY) })),
        outbox,
      });
    }
    // In whole hours: an earlier membership a case set up ends at a time of its own.
    const hours = Math.round((membership.end.getTime() - membership.start.getTime()) / (DAY / 24));
    const named = JSON.stringify({ membership: { ...membership, hours }, postings })
      .replaceAll(membership.id, "<membership>")
      .replaceAll(membership.start.toISOString(), "<start>")
      .replaceAll(membership.end.toISOString(), "<end>")
      .replaceAll(memberId, "<member>");
    snapshot.push(charges.reduce((text, charge, index) => text.replaceAll(`"${charge.transaction_id}"`, `"<transaction ${index}>"`), named));
  }
  return snapshot.map((text) => JSON.parse(text) as unknown);
}

interface Case {
  /** Sets the member up (a wallet funded, an earlier membership) and returns the join to make. */
  arrange: (member: SessionUser, path: Path) => Promise<SubscribeInput>;
  credits?: bigint;
  /** Whether the one statement posts it (or its posting refuses it) alone; else it goes down the transactional path. */
  oneTrip: boolean;
}

/** An earlier membership of the plan, joined and paid, then put in `state` as time or the member would have. */
async function earlierMembership(member: SessionUser, path: Path, plan: string, state: string): Promise<string> {
  const first = await path(member.id, { planId: plan, idempotencyKey: randomUUID() });
  await pool.query(`UPDATE memberships SET ${state} WHERE id = $1`, [first.membershipId]);
  return first.membershipId;
}

const joinOf = (plan: string, extra: Partial<SubscribeInput> = {}) => async () => ({ planId: plan, idempotencyKey: randomUUID(), ...extra });

const cases: Record<string, Case> = {
  "a fan club": { arrange: () => joinOf(planId)(), oneTrip: true },
  "a site plan": { arrange: () => joinOf(sitePlanId)(), oneTrip: true },
  "at the price the member confirmed": { arrange: () => joinOf(planId, { expectedPrice: 101n })(), oneTrip: true },
  "from another wallet that pays for memberships": {
    arrange: async (member) => {
      await fundWallet(pool, member.id, { accountKind: "club", currency: "CRD" }, 150n);
      return joinOf(planId, { walletTypeId: "club" })();
    },
    oneTrip: true,
  },
  "again after a membership lapsed, on the same row": {
    arrange: async (member, path) => {
      await earlierMembership(member, path, planId, "status = 'LAPSED', current_period_end = now() - interval '1 day'");
      return joinOf(planId)();
    },
    oneTrip: true,
  },
  "again after a cancelled membership's period ended": {
    arrange: async (member, path) => {
      await earlierMembership(member, path, planId, "status = 'CANCELLED', cancelled_at = now() - interval '40 days', current_period_end = now() - interval '1 minute'");
      return joinOf(planId)();
    },
    oneTrip: true,
  },
  "while a membership runs": {
    arrange: async (member, path) => {
      await earlierMembership(member, path, planId, "status = 'ACTIVE'");
      return joinOf(planId)();
    },
    oneTrip: false,
  },
  "while a membership's period ended but it is not renewed yet": {
    arrange: async (member, path) => {
      await earlierMembership(member, path, planId, "current_period_end = now() - interval '1 minute'");
      return joinOf(planId)();
    },
    oneTrip: false,
  },
  "while a membership waits in grace": {
    arrange: async (member, path) => {
      await earlierMembership(member, path, planId, "status = 'GRACE', current_period_end = now() - interval '1 day', grace_until = now() + interval '2 days'");
      return joinOf(planId)();
    },
    oneTrip: false,
  },
  "while a cancelled membership still runs": {
    arrange: async (member, path) => {
      await earlierMembership(member, path, planId, "status = 'CANCELLED', cancelled_at = now()");
      return joinOf(planId)();
    },
    oneTrip: false,
  },
  "a retry with the same key": {
    arrange: async (member, path) => {
      const input = await joinOf(planId)();
      await path(member.id, input);
      return input;
    },
    oneTrip: false,
  },
  "a retry with the same key after that membership lapsed": {
    arrange: async (member, path) => {
      const input = await joinOf(planId)();
      const first = await path(member.id, input);
      await pool.query("UPDATE memberships SET status = 'LAPSED' WHERE id = $1", [first.membershipId]);
      return input;
    },
    oneTrip: false,
  },
  "a key used for another plan": {
    arrange: async (member, path) => {
      const input = await joinOf(sitePlanId)();
      await path(member.id, input);
      return { ...input, planId };
    },
    oneTrip: false,
  },
  "at a price the member did not see": { arrange: () => joinOf(planId, { expectedPrice: 100n })(), oneTrip: false },
  "a plan that takes no new members": { arrange: () => joinOf(retiredPlanId)(), oneTrip: false },
  "a plan that does not exist": { arrange: () => joinOf(randomUUID())(), oneTrip: false },
  "a suspended performer's fan club": { arrange: () => joinOf(suspendedPlanId)(), oneTrip: false },
  "more than the wallet holds": { arrange: () => joinOf(planId)(), credits: 100n, oneTrip: true },
  "from a wallet that does not pay for memberships": { arrange: () => joinOf(planId, { walletTypeId: "bonus" })(), oneTrip: false },
  "from a wallet in another currency": { arrange: () => joinOf(planId, { walletTypeId: "usd" })(), oneTrip: false },
  "from a wallet no longer in use": { arrange: () => joinOf(planId, { walletTypeId: "mxn" })(), oneTrip: false },
  "from a wallet that does not exist": { arrange: () => joinOf(planId, { walletTypeId: "nowhere" })(), oneTrip: false },
};

describe("the one statement and the transactional path agree", () => {
  it.each(Object.entries(cases))("joining %s", async (_name, { arrange, credits = 1_000n, oneTrip }) => {
    const ends = [];
    for (const path of [oneStatement, transactional]) {
      const member = await fundedMember(credits);
      const input = await arrange(member, path);
      const count = await ledgerTransactionCount();
      const since = await lastTransactionId();
      const { result: settled, roundTrips } = await countRoundTrips(() => settle(path(member.id, input)));
      if (path === oneStatement) expect(roundTrips === 1).toBe(oneTrip);
      const outcome = await outcomeOf(settled);
      if (!outcome.ok || outcome.replayed) expect(await ledgerTransactionCount()).toBe(count);
      ends.push({ outcome, rows: await rowsOf(member.id, since), balances: await walletBalances(pool, member.id) });
    }
    expect(ends[0]).toEqual(ends[1]);
  });

  it("the one statement refuses a session the server ended since its cookie was issued, posting nothing", async () => {
    const revoked = await fundedMember(500n, "revoked");
    const request = await routeRequestAs(revoked, "http://127.0.0.1:3000/api/trpc/memberships.subscribe");
    const join = async () => (await appRouter.createCaller(await createTRPCContext({ headers: request.headers, cookies: request.cookies }))).memberships.subscribe({ planId, idempotencyKey: randomUUID() });
    await pool.query("UPDATE users SET session_version = session_version + 1 WHERE id = $1", [revoked.id]);
    const count = await ledgerTransactionCount();
    expect(await refusalCodeOf(join)).toBe("UNAUTHORIZED");
    await pool.query("UPDATE users SET session_version = session_version - 1, status = 'SUSPENDED' WHERE id = $1", [revoked.id]);
    expect(await refusalCodeOf(join)).toBe("UNAUTHORIZED");
    expect(await ledgerTransactionCount()).toBe(count);
    expect(await pool.query("SELECT 1 FROM memberships WHERE member_id = $1", [revoked.id])).toMatchObject({ rowCount: 0 });
  });
});

describe("joining a plan in one round trip", () => {
  it("is one round trip to the database from a session's cookie, the session's check included", async () => {
    const member = await fundedMember(500n);
    const request = await routeRequestAs(member, "http://127.0.0.1:3000/api/trpc/memberships.subscribe");
    const caller = appRouter.createCaller(await createTRPCContext({ headers: request.headers, cookies: request.cookies }));
    const { result, roundTrips } = await countRoundTrips(() => caller.memberships.subscribe({ planId, idempotencyKey: randomUUID() }));
    expect(result.replayed).toBe(false);
    expect(roundTrips).toBe(1);
    expect((await walletBalances(pool, member.id)).available).toBe(399n);
  });
});

describe("joins at once", () => {
  const parallel = 8;
  const sales = async (memberId: string) =>
    (await pool.query("SELECT 1 FROM ledger_transactions WHERE actor_id = $1 AND kind = 'MEMBERSHIP_CHARGE'", [memberId])).rowCount;

  it("with one key post once, and every request answers with that posting", async () => {
    const member = await fundedMember(1_000n);
    const input = { planId, idempotencyKey: randomUUID() };
    const results = await Promise.all(Array.from({ length: parallel }, () => subscribe(member.id, input)));
    expect(new Set(results.map((result) => result.transactionId))).toHaveLength(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await sales(member.id)).toBe(1);
    expect((await walletBalances(pool, member.id)).available).toBe(899n);
  });

  it("with other keys let one through and refuse the rest, from a new membership and from a lapsed one", async () => {
    const member = await fundedMember(1_000n);
    for (const round of [1, 2]) {
      const outcomes = await Promise.all(Array.from({ length: parallel }, () => codeOf(subscribe(member.id, { planId, idempotencyKey: randomUUID() }))));
      expect(outcomes.sort()).toEqual([...Array<string>(parallel - 1).fill("CONFLICT"), "OK"]);
      expect(await sales(member.id)).toBe(round);
      await pool.query("UPDATE memberships SET status = 'LAPSED' WHERE member_id = $1", [member.id]);
    }
    expect((await walletBalances(pool, member.id)).available).toBe(1_000n - 2n * 101n);
  });

  it("down both paths at once let one through: the transactional path's upsert keeps to the statement's guard", async () => {
    const member = await fundedMember(1_000n);
    for (const round of [1, 2]) {
      const paths = Array.from({ length: parallel }, (_, index) => (index % 2 === 0 ? oneStatement : transactional));
      const outcomes = await Promise.all(paths.map((path) => codeOf(path(member.id, { planId, idempotencyKey: randomUUID() }))));
      expect(outcomes.sort()).toEqual([...Array<string>(parallel - 1).fill("CONFLICT"), "OK"]);
      expect(await sales(member.id)).toBe(round);
      await pool.query("UPDATE memberships SET status = 'LAPSED' WHERE member_id = $1", [member.id]);
    }
  });
});

describe("what a join announces", () => {
  it("is what the join wrote itself before: the receipt and both wallets' updates, under the same keys", async () => {
    const member = await fundedMember(500n);
    const result = await subscribe(member.id, { planId, idempotencyKey: randomUUID() });
    const { rows } = await pool.query<{ current_period_start: Date }>("SELECT current_period_start FROM memberships WHERE id = $1", [result.membershipId]);
    const start = rows[0]!.current_period_start;
    const about = `membership:${result.membershipId}:period:${start.toISOString()}`;
    const { rows: outbox } = await pool.query("SELECT key, kind, payload FROM outbox_messages WHERE key LIKE $1", [`membership:${result.membershipId}:%`]);
    expect(outbox).toEqual([{ key: about, kind: "membership-charge", payload: { transactionId: result.transactionId.toString() } }]);
    const announced = await membershipChargeAnnouncements(pool, [result.transactionId.toString()]);
    expect(announced.get(result.transactionId.toString())).toEqual([
      membershipNoticeMessage(`${about}:receipt`, {
        kind: "receipt",
        renewal: false,
        to: member.email,
        memberName: member.displayName,
        planTitle: "Trip Club (Luna Trip)",
        price: 101n,
        periodStart: start,
        periodEnd: result.currentPeriodEnd,
      }),
      ...walletUpdates(about, [member.id, luna.id]),
    ]);
  });

  it("is delivered once from its own message: a relay that dies before its commit leaves it to the next claim", async () => {
    const member = await fundedMember(500n);
    const publishNormally = await crashNextRelayPass(pool, trigger);
    try {
      const result = await subscribe(member.id, { planId: sitePlanId, idempotencyKey: randomUUID() });
      const delivered = async () =>
        (await pool.query<{ delivered: boolean }>("SELECT delivered_at IS NOT NULL AS delivered FROM outbox_messages WHERE key LIKE $1", [`membership:${result.membershipId}:%`])).rows;
      await expect(deliverDue(pool)).rejects.toThrow();
      expect(await delivered()).toEqual([{ delivered: false }]);

      const mail = await mailTo(member);
      expect(await delivered()).toEqual([{ delivered: true }]);
      // The receipt may have gone out in the pass that died (emails are sent beside the realtime calls): a copy
      // sent again carries the same Message-ID, the receipt's key as before.
      const { rows } = await pool.query<{ start: Date }>("SELECT current_period_start AS start FROM memberships WHERE id = $1", [result.membershipId]);
      const receiptId = messageIdFor(`membership:${result.membershipId}:period:${rows[0]!.start.toISOString()}:receipt`, new URL(env.APP_URL).hostname);
      expect(new Set(mail.map((message) => `${message.subject} ${message.headers["message-id"]}`))).toEqual(new Set([`Welcome to Trip Premium ${receiptId}`]));
      expect(mail[0]?.text).toContain("Paid: 200 credits from your wallet.");
      const published = trigger.mock.calls.map((call) => `${String(call[0])} ${call[1]}`);
      expect(published.filter((call) => call === `private-user-${member.id} wallet.updated`)).toHaveLength(1);
    } finally {
      publishNormally();
    }
  });
});
