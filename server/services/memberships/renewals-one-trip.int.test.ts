import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { messageIdFor } from "@/server/domain/outbox";
import { env } from "@/server/env";
import { clawbackLegs } from "@/server/domain/ledger";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { requestHash } from "@/server/ledger/request-hash";
import type { CapturedMessage } from "@/server/local/mail/server";
import { deliverAllDue, deliverDue } from "@/server/outbox/relay";
import { fundUser, fundWallet } from "@/server/testing/factories";
import { crashNextRelayPass } from "@/server/testing/relay-crash";
import { countRoundTrips } from "@/server/testing/round-trips";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { createClubWallet } from "@/server/testing/wallets";
import { callerAs, expectLedgerInvariantsHold } from "@/server/testing/api";
import { membershipChargeAnnouncements, walletUpdates } from "./charges";
import { membershipNoticeMessage } from "./notice-emails";
import { type RenewalRun, renewDueMemberships, renewDueMembershipsInTransactions } from "./renewals";

// Emails really go out through nodemailer, to a mail sink of this file's own (SMTP_URL must be set before
// server/env is first imported, hence hoisted).
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
const MINUTE = 60_000;
const later = (at: Date, ms: number) => new Date(at.getTime() + ms);

let admin: SessionUser;
let luna: SessionUser;
let planId: string;

beforeAll(async () => {
  admin = await makeAdmin();
  luna = await makePerformer(admin, "Luna Renew");
  await callerAs(admin).commissions.set({ kind: "MEMBERSHIP", performerShareBps: 7500 });
  planId = (await callerAs(luna).memberships.createPlan({ name: "Renew Club", price: 100n, periodDays: 30 })).id;
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

interface Due {
  member: SessionUser;
  membershipId: string;
  at: Date;
  /** The last outbox message and ledger transaction before the run: what the run writes comes after them. */
  outboxBefore: string;
  postedBefore: string;
}

/**
 * A member who joined the plan (from `wallet`, which held 200 credits: the join's 100 and a renewal's) and whose membership is then put in the state a case
 * needs, its period ending at `periodEnd`, so that every case's two runs see the same times.
 */
async function joined(setUp: Case, periodEnd: Date): Promise<Due> {
  const member = await makeMember("renewer");
  const wallet = setUp.wallet ?? "credits";
  if (wallet === "club") await fundWallet(pool, member.id, { accountKind: "club", currency: "CRD" }, 200n);
  else await fundUser(pool, member.id, 200n);
  const { membershipId } = await callerAs(member).memberships.subscribe({ planId, idempotencyKey: randomUUID(), walletTypeId: wallet });
  await pool.query("UPDATE memberships SET current_period_start = $2::timestamptz - interval '30 days', current_period_end = $2 WHERE id = $1", [
    membershipId,
    periodEnd,
  ]);
  await setUp.arrange?.({ member, membershipId, at: periodEnd, outboxBefore: "0", postedBefore: "0" });
  const { rows } = await pool.query<{ outbox: string; posted: string }>(
    "SELECT (SELECT coalesce(max(id), 0) FROM outbox_messages) AS outbox, (SELECT coalesce(max(id), 0) FROM ledger_transactions) AS posted",
  );
  return { member, membershipId, at: later(periodEnd, setUp.runAfter ?? MINUTE), outboxBefore: rows[0]!.outbox, postedBefore: rows[0]!.posted };
}

/** What a run left of one membership, with its ids named by what they are. */
async function rowsOf(due: Due): Promise<unknown> {
  const { rows: membership } = await pool.query(
    "SELECT status, current_period_start, current_period_end, grace_until, wallet_type_id FROM memberships WHERE id = $1",
    [due.membershipId],
  );
  const { rows: charges } = await pool.query<{ period_start: Date; period_end: Date; price: string; transaction_id: string }>(
    "SELECT period_start, period_end, price, transaction_id FROM membership_charges WHERE membership_id = $1 AND transaction_id > $2 ORDER BY period_start",
    [due.membershipId, due.postedBefore],
  );
  const postings = [];
  for (const charge of charges) {
    const { rows: [posting] } = await pool.query<{ kind: string; description: string; metadata: Record<string, unknown>; request_hash: string; idempotency_key: string }>(
      "SELECT kind, description, metadata, request_hash, idempotency_key FROM ledger_transactions WHERE id = $1",
      [charge.transaction_id],
    );
    // The request the transactional path hashes (chargePeriod's): the statement must hash the same one.
    expect(posting?.request_hash).toBe(requestHash({ membershipId: due.membershipId, periodStart: charge.period_start.toISOString(), price: charge.price }));
    const { rows: entries } = await pool.query(
      "SELECT a.code, e.amount, e.currency FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 ORDER BY e.amount",
      [charge.transaction_id],
    );
    const { rows: lots } = await pool.query<{ sale_kind: string; amount: string; remaining: string; matures_at: Date; created_at: Date }>(
      "SELECT l.sale_kind, l.amount, l.remaining, l.matures_at, t.created_at FROM earnings_lots l JOIN ledger_transactions t ON t.id = l.transaction_id WHERE l.transaction_id = $1",
      [charge.transaction_id],
    );
    postings.push({
      charge: { period_start: charge.period_start, period_end: charge.period_end, price: charge.price },
      posting: { ...posting, request_hash: undefined },
      entries,
      lots: lots.map(({ matures_at, created_at, ...lot }) => ({ ...lot, holdDays: Math.round((matures_at.getTime() - created_at.getTime()) / DAY) })),
    });
  }
  const { rows: outbox } = await pool.query<{ key: string; kind: string; payload: Record<string, unknown> }>(
    "SELECT key, kind, payload FROM outbox_messages WHERE key LIKE $1 AND id > $2 ORDER BY key",
    [`membership:${due.membershipId}:%`, due.outboxBefore],
  );
  const transactionIds = charges.map((charge) => charge.transaction_id);
  const announced = await membershipChargeAnnouncements(pool, transactionIds);
  const named = JSON.stringify({
    membership: membership[0],
    postings,
    outbox: outbox.map(({ key, kind, payload }) => ({ key, kind, payload: { ...payload, transactionId: undefined } })),
    announced: transactionIds.map((id) => announced.get(id)),
    balances: await walletBalances(pool, due.member.id),
  }, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  return JSON.parse(
    named
      .replaceAll(due.membershipId, "<membership>")
      .replaceAll(due.member.id, "<member>")
      .replaceAll(due.member.email, "<email>")
      .replaceAll(due.member.displayName, "<name>"),
  ) as unknown;
}

/** Takes a membership out of later runs, once its rows were read: each run of this file sees only its own. */
async function putAside(due: Due): Promise<void> {
  await pool.query("UPDATE memberships SET status = 'LAPSED', grace_until = NULL WHERE id = $1", [due.membershipId]);
}

interface Case {
  /** What the run does with it. */
  outcome: keyof Omit<RenewalRun, "failed">;
  wallet?: string;
  arrange?: (due: Due) => Promise<unknown>;
  /** How long after the period's end the run comes; a minute unless said. */
  runAfter?: number;
}

const cases: Record<string, Case> = {
  "an active membership paid from Credits": { outcome: "renewed" },
  "an active membership paid from the wallet it joined with": { outcome: "renewed", wallet: "club" },
  "at the price last paid when the plan's price went up": {
    outcome: "renewed",
    arrange: () => pool.query("UPDATE membership_plans SET price = 150 WHERE id = $1", [planId]),
  },
  "at the new price when the plan's price went down": {
    outcome: "renewed",
    arrange: () => pool.query("UPDATE membership_plans SET price = 60 WHERE id = $1", [planId]),
  },
  "from Credits when its wallet no longer pays for memberships": {
    outcome: "renewed",
    arrange: ({ membershipId }) => pool.query("UPDATE memberships SET wallet_type_id = 'bonus' WHERE id = $1", [membershipId]),
  },
  "from Credits when its wallet is no longer in use": {
    outcome: "renewed",
    arrange: ({ membershipId }) => pool.query("UPDATE memberships SET wallet_type_id = 'mxn' WHERE id = $1", [membershipId]),
  },
  "in grace, paid before the grace ends": {
    outcome: "renewed",
    arrange: ({ membershipId, at }) => pool.query("UPDATE memberships SET status = 'GRACE', grace_until = $2 WHERE id = $1", [membershipId, later(at, 3 * DAY)]),
    runAfter: DAY,
  },
  "a run late by more than a period, which starts the period at the run": { outcome: "renewed", runAfter: 45 * DAY },
  "without enough credits: grace begins": { outcome: "enteredGrace", arrange: ({ member }) => drain(member) },
  "without enough credits in grace: it stays in grace": {
    outcome: "stillInGrace",
    arrange: async ({ member, membershipId, at }) => {
      await drain(member);
      await pool.query("UPDATE memberships SET status = 'GRACE', grace_until = $2 WHERE id = $1", [membershipId, later(at, 3 * DAY)]);
    },
    runAfter: DAY,
  },
  "in grace that ended": {
    outcome: "lapsed",
    arrange: ({ membershipId, at }) => pool.query("UPDATE memberships SET status = 'GRACE', grace_until = $2 WHERE id = $1", [membershipId, later(at, DAY)]),
    runAfter: 2 * DAY,
  },
  "cancelled": { outcome: "lapsed", arrange: ({ membershipId }) => pool.query("UPDATE memberships SET status = 'CANCELLED' WHERE id = $1", [membershipId]) },
  "of a plan no longer offered": {
    outcome: "lapsed",
    arrange: () => pool.query("UPDATE membership_plans SET active = false WHERE id = $1", [planId]),
  },
  // chargePeriod does not ask whether the performer may still sell: neither does the statement.
  "of a fan club whose performer is no longer approved": {
    outcome: "renewed",
    arrange: () => pool.query("UPDATE performer_profiles SET status = 'REJECTED' WHERE user_id = $1", [luna.id]),
  },
  "from a wallet a clawback left negative: grace begins": {
    outcome: "enteredGrace",
    arrange: async ({ member }) => {
      await drain(member);
      await post(pool, {
        kind: "PURCHASE_REFUND",
        idempotencyKey: `test-clawback:${randomUUID()}`,
        actorId: null,
        description: "Test clawback",
        legs: clawbackLegs(member.id, 5n),
        allowOverdraft: true,
      });
    },
  },
  "without enough credits once a grace would be over already: it ends": { outcome: "lapsed", arrange: ({ member }) => drain(member), runAfter: 10 * DAY },
};

/** Spends the member's Credits to nothing, through the ledger. */
async function drain(member: SessionUser): Promise<void> {
  const { available } = await walletBalances(pool, member.id);
  if (available > 0n) await fundUser(pool, member.id, -available);
}

describe("a renewal run handles each due membership as the transactional path does", () => {
  afterEach(async () => {
    await pool.query("UPDATE membership_plans SET price = 100, active = true WHERE id = $1", [planId]);
    await pool.query("UPDATE performer_profiles SET status = 'APPROVED' WHERE user_id = $1", [luna.id]);
  });
  const paths = { "one statement": renewDueMemberships, transactions: renewDueMembershipsInTransactions };
  let periodEnd = new Date("2030-06-01T00:00:00.000Z");

  it.each(Object.entries(cases))("%s", async (_, setUp) => {
    // Each case's runs come earlier than every case's before it, so nothing those left is due again.
    periodEnd = later(periodEnd, -100 * DAY);
    const ends = [];
    for (const run of Object.values(paths)) {
      await pool.query("UPDATE membership_plans SET price = 100, active = true WHERE id = $1", [planId]);
      await pool.query("UPDATE performer_profiles SET status = 'APPROVED' WHERE user_id = $1", [luna.id]);
      const due = await joined(setUp, periodEnd);
      const counts = await run({ at: due.at });
      ends.push({ counts, rows: await rowsOf(due) });
      await putAside(due);
    }
    expect(ends[0]?.counts).toEqual({ renewed: 0, enteredGrace: 0, stillInGrace: 0, lapsed: 0, failed: 0, [setUp.outcome]: 1 });
    expect(ends[0]).toEqual(ends[1]);
  });
});

describe("a renewal that goes through", () => {
  it("is one round trip, besides the run's read of the grace setting and its last look for anything still due", async () => {
    const due = await joined({ outcome: "renewed" }, new Date("2020-01-01T00:00:00.000Z"));
    const { result, roundTrips } = await countRoundTrips(() => renewDueMemberships({ at: due.at }));
    expect(result.renewed).toBe(1);
    expect(roundTrips).toBe(3);
    await putAside(due);
  });

  it("leaves no due membership to the next run when the statement refuses one after another", async () => {
    const periodEnd = new Date("2019-06-01T00:00:00.000Z");
    const dues = [];
    for (let index = 0; index < 20; index += 1) {
      const due = await joined({ outcome: "enteredGrace" }, later(periodEnd, index * MINUTE));
      if (index % 2 === 0) await drain(due.member);
      dues.push(due);
    }
    const run = await renewDueMemberships({ at: later(periodEnd, DAY) });
    expect(run).toEqual({ renewed: 10, enteredGrace: 10, stillInGrace: 0, lapsed: 0, failed: 0 });
    for (const due of dues) await putAside(due);
  });

  it("charges each due period once when four runs race over forty memberships", async () => {
    const periodEnd = new Date("2019-01-01T00:00:00.000Z");
    const dues = [];
    for (let index = 0; index < 40; index += 1) dues.push(await joined({ outcome: "renewed" }, later(periodEnd, index * MINUTE)));
    // Ten cannot pay: they enter grace, once.
    for (const due of dues.slice(0, 10)) await drain(due.member);
    const at = later(periodEnd, DAY);

    const runs = await Promise.all([
      renewDueMemberships({ at }),
      renewDueMemberships({ at }),
      renewDueMembershipsInTransactions({ at }),
      renewDueMemberships({ at }),
    ]);
    const total = (outcome: keyof RenewalRun) => runs.reduce((sum, run) => sum + run[outcome], 0);
    expect(total("renewed")).toBe(30);
    expect(total("enteredGrace")).toBe(10);
    expect(total("failed")).toBe(0);
    for (const [index, due] of dues.entries()) {
      const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM membership_charges WHERE membership_id = $1", [due.membershipId]);
      expect(Number(rows[0]?.n)).toBe(index < 10 ? 1 : 2);
      expect((await walletBalances(pool, due.member.id)).available).toBe(0n);
      await putAside(due);
    }
  });

  it("announces what the run wrote itself before (the receipt as a notice and both wallets' updates, under the same keys), once, after a relay that dies mid-batch", async () => {
    const due = await joined({ outcome: "renewed" }, new Date("2018-01-01T00:00:00.000Z"));
    const { rows: before } = await pool.query<{ end: Date }>("SELECT current_period_end AS \"end\" FROM memberships WHERE id = $1", [due.membershipId]);
    const previousEnd = before[0]!.end;
    await deliverAllDue(pool);
    trigger.mockClear();
    const publishNormally = await crashNextRelayPass(pool, trigger);
    await renewDueMemberships({ at: due.at });
    const { rows } = await pool.query<{ transaction_id: string; period_start: Date; period_end: Date }>(
      "SELECT transaction_id, period_start, period_end FROM membership_charges WHERE membership_id = $1 ORDER BY transaction_id DESC LIMIT 1",
      [due.membershipId],
    );
    const charge = rows[0]!;
    const about = `membership:${due.membershipId}:renewed:${previousEnd.toISOString()}`;
    expect((await membershipChargeAnnouncements(pool, [charge.transaction_id])).get(charge.transaction_id)).toEqual([
      membershipNoticeMessage(`${about}:notice`, {
        kind: "receipt",
        renewal: true,
        to: due.member.email,
        memberName: due.member.displayName,
        planTitle: "Renew Club (Luna Renew)",
        price: 100n,
        periodStart: charge.period_start,
        periodEnd: charge.period_end,
      }),
      ...walletUpdates(about, [due.member.id, luna.id]),
    ]);

    await expect(deliverDue(pool)).rejects.toThrow();
    publishNormally();
    await deliverAllDue(pool);
    const { rows: delivered } = await pool.query("SELECT delivered_at IS NOT NULL AS delivered FROM outbox_messages WHERE key LIKE $1", [`membership:${due.membershipId}:period:%`]);
    expect(delivered).toEqual([{ delivered: true }, { delivered: true }]);
    const published = trigger.mock.calls.map((call) => `${String(call[0])} ${call[1]}`);
    expect(published.filter((call) => call === `private-user-${due.member.id} wallet.updated`)).toHaveLength(1);
    // The notice may have gone out in the pass that died (emails are sent beside the realtime calls): a copy sent
    // again carries the same Message-ID, the notice's key as before.
    const response = await fetch(`${mailSink.url}/messages?to=${encodeURIComponent(due.member.email)}`);
    const mail = (await response.json()) as CapturedMessage[];
    const noticeId = messageIdFor(`${about}:notice`, new URL(env.APP_URL).hostname);
    expect(new Set(mail.filter((message) => message.subject.startsWith("Renewed")).map((message) => message.headers["message-id"]))).toEqual(new Set([noticeId]));
    await putAside(due);
  });
});
