import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { deliverAllDue } from "@/server/outbox/relay";
import { walletBalances } from "@/server/ledger/balances";
import type { CapturedMessage } from "@/server/local/mail/server";
import { fundUser } from "@/server/testing/factories";
import { hasPlanAccess } from "@/server/services/memberships/access";
import { renewDueMemberships } from "@/server/services/memberships";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, expectLedgerInvariantsHold, ledgerTransactionCount, refusalCodeOf } from "@/server/testing/api";

// Emails really go out through nodemailer, to a mail sink of this file's own (SMTP_URL must be set before
// server/env is first imported, hence hoisted).
const mailSink = await vi.hoisted(async () => {
  const { startMailSink } = await import("@/server/local/mail/server");
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  process.env.SMTP_URL = sink.smtpUrl;
  return sink;
});

const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

const DAY = 86_400_000;
const MINUTE = 60_000;
const later = (at: Date, ms: number) => new Date(at.getTime() + ms);

let admin: SessionUser;
let luna: SessionUser;
let rex: SessionUser;
let innerCircleId: string;

/** The user's mail in the sink, once the outbox has delivered everything written so far. */
async function mailTo(user: SessionUser): Promise<CapturedMessage[]> {
  await deliverAllDue(pool);
  const response = await fetch(`${mailSink.url}/messages?to=${encodeURIComponent(user.email)}`);
  return (await response.json()) as CapturedMessage[];
}

const subjectsTo = async (user: SessionUser) => (await mailTo(user)).map((message) => message.subject).reverse();

interface MembershipRow {
  id: string;
  status: string;
  current_period_start: Date;
  current_period_end: Date;
  grace_until: Date | null;
}

async function membershipOf(memberId: string, planId: string): Promise<MembershipRow> {
  const { rows } = await pool.query<MembershipRow>(
    "SELECT id, status, current_period_start, current_period_end, grace_until FROM memberships WHERE member_id = $1 AND plan_id = $2",
    [memberId, planId],
  );
  if (!rows[0]) throw new Error("no membership");
  return rows[0];
}

async function chargesOf(membershipId: string): Promise<Array<{ period_start: Date; period_end: Date; price: string }>> {
  const { rows } = await pool.query<{ period_start: Date; period_end: Date; price: string }>(
    "SELECT period_start, period_end, price FROM membership_charges WHERE membership_id = $1 ORDER BY period_start",
    [membershipId],
  );
  return rows;
}

async function fundedMember(credits: bigint, label = "member"): Promise<SessionUser> {
  const member = await makeMember(label);
  if (credits > 0n) await fundUser(pool, member.id, credits);
  return member;
}

const join = (member: SessionUser, planId: string, idempotencyKey = randomUUID()) => callerAs(member).memberships.subscribe({ planId, idempotencyKey });

const fanClub = (performer: SessionUser, price: bigint, periodDays = 30, name = "Fan club") =>
  callerAs(performer).memberships.createPlan({ name, description: "Behind the scenes", perks: "Members-only posts\nEarly access", price, periodDays });

beforeAll(async () => {
  admin = await makeAdmin();
  luna = await makePerformer(admin, "Luna Test");
  rex = await makePerformer(admin, "Rex Test");
  await callerAs(admin).commissions.set({ kind: "MEMBERSHIP", performerShareBps: 7500 });
  innerCircleId = (await fanClub(luna, 101n, 30, "Inner Circle")).id;
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
  await mailSink.close();
});

describe("joining a plan", () => {
  it("pays the first period with the commission split, opens an earnings lot, and sends a receipt", async () => {
    const member = await fundedMember(1_000n);
    const result = await join(member, innerCircleId);
    expect(result).toMatchObject({ replayed: false, planName: "Inner Circle", price: 101n });

    expect((await walletBalances(pool, member.id)).available).toBe(899n);
    expect(await walletBalances(pool, luna.id)).toMatchObject({ available: 0n, pending: 75n });
    const { rows: entries } = await pool.query<{ type: string; amount: string }>(
      `SELECT a.type, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 ORDER BY a.type::text`,
      [result.transactionId.toString()],
    );
    expect(entries).toEqual([
      { type: "AVAILABLE", amount: "-101" },
      { type: "PENDING", amount: "75" },
      { type: "REVENUE", amount: "26" },
    ]);
    const { rows: posting } = await pool.query<{ kind: string; description: string; metadata: Record<string, unknown> }>(
      "SELECT kind, description, metadata FROM ledger_transactions WHERE id = $1",
      [result.transactionId.toString()],
    );
    expect(posting[0]).toMatchObject({
      kind: "MEMBERSHIP_CHARGE",
      description: "Membership: Inner Circle (Luna Test)",
      metadata: { saleKind: "MEMBERSHIP", rateBps: 7500, performerShare: "75", platformShare: "26", membershipId: result.membershipId },
    });
    const { rows: lots } = await pool.query<{ performer_id: string; sale_kind: string; amount: string }>(
      "SELECT performer_id, sale_kind, amount FROM earnings_lots WHERE transaction_id = $1",
      [result.transactionId.toString()],
    );
    expect(lots).toEqual([{ performer_id: luna.id, sale_kind: "MEMBERSHIP", amount: "75" }]);

    const membership = await membershipOf(member.id, innerCircleId);
    expect(membership).toMatchObject({ id: result.membershipId, status: "ACTIVE", grace_until: null });
    expect(membership.current_period_end.getTime() - membership.current_period_start.getTime()).toBe(30 * DAY);
    expect(await chargesOf(membership.id)).toEqual([
      { period_start: membership.current_period_start, period_end: membership.current_period_end, price: "101" },
    ]);
    expect(await hasPlanAccess(pool, member.id, innerCircleId)).toBe(true);
    expect(await subjectsTo(member)).toEqual(["Welcome to Inner Circle (Luna Test)"]);
    expect(trigger).toHaveBeenCalledWith(`private-user-${member.id}`, "wallet.updated", expect.anything());

    const mine = await callerAs(member).memberships.mine();
    expect(mine).toEqual([
      expect.objectContaining({
        id: result.membershipId,
        status: "ACTIVE",
        hasAccess: true,
        nextRenewalAt: membership.current_period_end,
        renewalPrice: 101n,
        performer: { username: luna.username, stageName: "Luna Test" },
      }),
    ]);
    const offered = await callerAs(member).memberships.performerPlans({ username: luna.username });
    expect(offered.find((plan) => plan.id === innerCircleId)?.viewerMembership).toMatchObject({ status: "ACTIVE", hasAccess: true });
  });

  it("returns the first result for a retry with the same key, and refuses the key for another plan", async () => {
    const member = await fundedMember(1_000n);
    const key = randomUUID();
    const first = await join(member, innerCircleId, key);
    const count = await ledgerTransactionCount();
    const retry = await join(member, innerCircleId, key);
    expect(retry).toMatchObject({ replayed: true, transactionId: first.transactionId, membershipId: first.membershipId, price: 101n });
    expect(retry.currentPeriodEnd).toEqual(first.currentPeriodEnd);
    expect(await ledgerTransactionCount()).toBe(count);
    const other = await fanClub(rex, 10n);
    expect(await refusalCodeOf(() => join(member, other.id, key))).toBe("CONFLICT");
    expect(await subjectsTo(member)).toHaveLength(1);
  });

  it("refuses a second membership of the same plan while the first runs, posting nothing", async () => {
    const member = await fundedMember(1_000n);
    await join(member, innerCircleId);
    const count = await ledgerTransactionCount();
    await expect(join(member, innerCircleId)).rejects.toThrow("You are already a member. Your membership renews on");
    expect(await refusalCodeOf(() => join(member, innerCircleId))).toBe("CONFLICT");
    expect(await ledgerTransactionCount()).toBe(count);
  });

  it("lets only one of two simultaneous joins through", async () => {
    const member = await fundedMember(1_000n);
    const outcomes = await Promise.all([refusalCodeOf(() => join(member, innerCircleId)), refusalCodeOf(() => join(member, innerCircleId))]);
    expect(outcomes.sort()).toEqual(["CONFLICT", "OK"]);
    expect((await walletBalances(pool, member.id)).available).toBe(899n);
  });

  it("sends a site plan's whole price to revenue, with no earnings lot", async () => {
    const plan = await callerAs(admin).memberships.siteAdmin.createPlan({ name: "Premium", price: 200n, periodDays: 30 });
    expect(plan.performerId).toBeNull();
    const member = await fundedMember(500n);
    const result = await join(member, plan.id);
    const { rows } = await pool.query<{ type: string; amount: string }>(
      `SELECT a.type, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 ORDER BY a.type::text`,
      [result.transactionId.toString()],
    );
    expect(rows).toEqual([
      { type: "AVAILABLE", amount: "-200" },
      { type: "REVENUE", amount: "200" },
    ]);
    const { rows: lots } = await pool.query("SELECT 1 FROM earnings_lots WHERE transaction_id = $1", [result.transactionId.toString()]);
    expect(lots).toEqual([]);
    expect((await callerAs(null).memberships.sitePlans()).map((offered) => offered.name)).toContain("Premium");
  });

  it.each([
    ["more than the wallet holds", async () => [await fundedMember(100n), innerCircleId] as const, "INSUFFICIENT_FUNDS"],
    ["a plan that takes no new members", async () => {
      const plan = await fanClub(rex, 10n);
      await callerAs(rex).memberships.updatePlan({ ...plan, active: false });
      return [await fundedMember(100n), plan.id] as const;
    }, "PRECONDITION_FAILED"],
    ["one's own fan club", async () => [luna, innerCircleId] as const, "FORBIDDEN"],
    ["a plan that does not exist", async () => [await fundedMember(100n), randomUUID()] as const, "NOT_FOUND"],
  ])("refuses joining %s, posting nothing", async (_case, setUp, expected) => {
    const [member, planId] = await setUp();
    const count = await ledgerTransactionCount();
    expect(await refusalCodeOf(() => join(member, planId))).toBe(expected);
    expect(await ledgerTransactionCount()).toBe(count);
    const { rows } = await pool.query("SELECT 1 FROM memberships WHERE member_id = $1 AND plan_id = $2", [member.id, planId]);
    expect(rows).toEqual([]);
  });
});

describe("a price that changed under the member", () => {
  it("refuses a join at a price the member didn't see, posting nothing, and takes it at the new one", async () => {
    const plan = await fanClub(rex, 40n);
    const member = await fundedMember(500n);
    await callerAs(rex).memberships.updatePlan({ ...plan, price: 60n });
    const count = await ledgerTransactionCount();

    const refused = await callerAs(member)
      .memberships.subscribe({ planId: plan.id, idempotencyKey: randomUUID(), expectedPrice: 40n })
      .then(() => null, (error: unknown) => error);
    expect(refused).toMatchObject({ code: "CONFLICT", message: "The price changed: Fan club (Rex Test) now costs 60 credits a period. Review it and try again." });
    expect(await ledgerTransactionCount()).toBe(count);
    expect(await callerAs(member).memberships.subscribe({ planId: plan.id, idempotencyKey: randomUUID(), expectedPrice: 60n })).toMatchObject({ price: 60n });
  });
});

describe("renewals on a controlled clock", () => {
  it("renews period after period, enters grace when credits run short, and recovers from where the period ended", async () => {
    const member = await fundedMember(222n);
    await join(member, innerCircleId);
    const start = await membershipOf(member.id, innerCircleId);
    const firstEnd = start.current_period_end;

    await renewDueMemberships({ at: later(firstEnd, -MINUTE) });
    expect(await membershipOf(member.id, innerCircleId)).toMatchObject({ status: "ACTIVE", current_period_end: firstEnd });

    const run = await renewDueMemberships({ at: later(firstEnd, MINUTE) });
    expect(run.renewed).toBeGreaterThanOrEqual(1);
    const renewed = await membershipOf(member.id, innerCircleId);
    expect(renewed).toMatchObject({ status: "ACTIVE", current_period_start: firstEnd, current_period_end: later(firstEnd, 30 * DAY) });
    expect((await walletBalances(pool, member.id)).available).toBe(20n);
    await renewDueMemberships({ at: later(firstEnd, 2 * MINUTE) });
    expect(await chargesOf(renewed.id)).toHaveLength(2);

    const secondEnd = renewed.current_period_end;
    await renewDueMemberships({ at: later(secondEnd, MINUTE) });
    expect(await membershipOf(member.id, innerCircleId)).toMatchObject({
      status: "GRACE",
      current_period_end: secondEnd,
      grace_until: later(secondEnd, 3 * DAY),
    });
    await renewDueMemberships({ at: later(secondEnd, DAY) });
    expect((await membershipOf(member.id, innerCircleId)).status).toBe("GRACE");
    expect(await chargesOf(renewed.id)).toHaveLength(2);
    const inGrace = (await callerAs(member).memberships.mine())[0];
    expect(inGrace).toMatchObject({ status: "GRACE", nextRenewalAt: null, renewalPrice: 101n, graceUntil: later(secondEnd, 3 * DAY) });

    await fundUser(pool, member.id, 100n);
    await renewDueMemberships({ at: later(secondEnd, 2 * DAY) });
    expect(await membershipOf(member.id, innerCircleId)).toMatchObject({
      status: "ACTIVE",
      current_period_start: secondEnd,
      current_period_end: later(secondEnd, 30 * DAY),
      grace_until: null,
    });
    expect((await walletBalances(pool, member.id)).available).toBe(19n);
    expect((await chargesOf(renewed.id)).map((charge) => charge.period_start)).toEqual([start.current_period_start, firstEnd, secondEnd]);
    // The relay sends the emails of a batch in parallel: they may reach the mailbox in any order.
    expect((await subjectsTo(member)).sort()).toEqual([
      "Renewal failed: add credits to keep Inner Circle (Luna Test)",
      "Renewed: Inner Circle (Luna Test)",
      "Renewed: Inner Circle (Luna Test)",
      "Welcome to Inner Circle (Luna Test)",
    ]);
    const failure = (await mailTo(member)).find((message) => message.subject.startsWith("Renewal failed"));
    expect(failure?.text).toContain("doesn't have the 101 credits it costs");
    expect(failure?.text).toContain("/wallet/buy");
  });

  it("ends a membership whose grace ran out, charging nothing more; the member may join again on the same row", async () => {
    const member = await fundedMember(150n);
    const first = await join(member, innerCircleId);
    const end = (await membershipOf(member.id, innerCircleId)).current_period_end;

    await renewDueMemberships({ at: later(end, MINUTE) });
    expect((await membershipOf(member.id, innerCircleId)).status).toBe("GRACE");
    await renewDueMemberships({ at: later(end, 3 * DAY) });
    expect(await membershipOf(member.id, innerCircleId)).toMatchObject({ status: "LAPSED", grace_until: null });
    expect(await chargesOf(first.membershipId)).toHaveLength(1);
    expect((await walletBalances(pool, member.id)).available).toBe(49n);
    const ended = (await mailTo(member)).find((message) => message.subject === "Your membership of Inner Circle (Luna Test) ended");
    expect(ended?.text).toContain("grace period ran out");
    expect(await hasPlanAccess(pool, member.id, innerCircleId)).toBe(false);

    await fundUser(pool, member.id, 100n);
    const again = await join(member, innerCircleId);
    expect(again.membershipId).toBe(first.membershipId);
    expect((await membershipOf(member.id, innerCircleId)).status).toBe("ACTIVE");
    expect(await chargesOf(first.membershipId)).toHaveLength(2);
  });

  it("keeps a member on the period they joined on when the plan's period changes; new members get the new one", async () => {
    const plan = await fanClub(rex, 10n, 30, "Monthly");
    const member = await fundedMember(100n);
    await join(member, plan.id);
    await callerAs(rex).memberships.updatePlan({ ...plan, periodDays: 7 });

    const end = (await membershipOf(member.id, plan.id)).current_period_end;
    await renewDueMemberships({ at: later(end, MINUTE) });
    const renewed = await membershipOf(member.id, plan.id);
    expect(renewed.status).toBe("ACTIVE");
    expect(renewed.current_period_end.getTime() - renewed.current_period_start.getTime()).toBe(30 * DAY);
    expect((await walletBalances(pool, member.id)).available).toBe(80n);

    const newcomer = await fundedMember(100n);
    await join(newcomer, plan.id);
    const joined = await membershipOf(newcomer.id, plan.id);
    expect(joined.current_period_end.getTime() - joined.current_period_start.getTime()).toBe(7 * DAY);
  });

  it("keeps a cancelled membership's access until its period ends, then ends it without a charge", async () => {
    const member = await fundedMember(1_000n);
    const { membershipId } = await join(member, innerCircleId);
    const end = (await membershipOf(member.id, innerCircleId)).current_period_end;

    expect(await callerAs(member).memberships.cancel({ membershipId })).toMatchObject({ status: "CANCELLED", currentPeriodEnd: end });
    expect(await hasPlanAccess(pool, member.id, innerCircleId)).toBe(true);
    expect((await callerAs(member).memberships.mine())[0]).toMatchObject({ status: "CANCELLED", hasAccess: true, nextRenewalAt: null });
    expect(await refusalCodeOf(() => join(member, innerCircleId))).toBe("CONFLICT");
    expect(await refusalCodeOf(() => callerAs(member).memberships.cancel({ membershipId }))).toBe("CONFLICT");

    expect(await callerAs(member).memberships.resume({ membershipId })).toMatchObject({ status: "ACTIVE" });
    await callerAs(member).memberships.cancel({ membershipId });

    await renewDueMemberships({ at: later(end, -MINUTE) });
    expect((await membershipOf(member.id, innerCircleId)).status).toBe("CANCELLED");
    const balance = (await walletBalances(pool, member.id)).available;
    await renewDueMemberships({ at: later(end, MINUTE) });
    expect((await membershipOf(member.id, innerCircleId)).status).toBe("LAPSED");
    expect((await walletBalances(pool, member.id)).available).toBe(balance);
    expect(await chargesOf(membershipId)).toHaveLength(1);
    expect(await subjectsTo(member)).toContain("Your membership of Inner Circle (Luna Test) ended");
    expect(await refusalCodeOf(() => callerAs(member).memberships.resume({ membershipId }))).toBe("CONFLICT");
  });

  it("ends memberships of a retired plan at their period end without charging", async () => {
    const plan = await fanClub(rex, 40n);
    const member = await fundedMember(100n);
    const { membershipId } = await join(member, plan.id);
    await callerAs(rex).memberships.updatePlan({ ...plan, active: false });
    const end = (await membershipOf(member.id, plan.id)).current_period_end;
    await renewDueMemberships({ at: later(end, MINUTE) });
    expect((await membershipOf(member.id, plan.id)).status).toBe("LAPSED");
    expect(await chargesOf(membershipId)).toHaveLength(1);
  });

  it("rolls back a membership whose renewal fails for another reason, and renews the ones after it", async () => {
    const plan = await fanClub(rex, 20n, 3);
    const [broken, healthy] = [await fundedMember(100n), await fundedMember(100n)];
    await join(broken, plan.id);
    await join(healthy, plan.id);
    const brokenMembership = await membershipOf(broken.id, plan.id);
    const at = later((await membershipOf(healthy.id, plan.id)).current_period_end, MINUTE);
    // A charge row already holding the next period makes the renewal's own insert fail.
    await pool.query(
      "INSERT INTO membership_charges (membership_id, period_start, period_end, price, transaction_id) VALUES ($1, $2, $2, 20, 0)",
      [brokenMembership.id, brokenMembership.current_period_end],
    );
    vi.spyOn(console, "error").mockImplementationOnce(() => undefined);

    const run = await renewDueMemberships({ at });
    expect(run.failed).toBe(1);
    expect(await membershipOf(broken.id, plan.id)).toMatchObject({ status: "ACTIVE", current_period_end: brokenMembership.current_period_end });
    expect((await walletBalances(pool, broken.id)).available).toBe(80n);
    expect((await membershipOf(healthy.id, plan.id)).status).toBe("ACTIVE");
    expect((await walletBalances(pool, healthy.id)).available).toBe(60n);
    await pool.query("DELETE FROM membership_charges WHERE membership_id = $1 AND transaction_id = 0", [brokenMembership.id]);
  });

  it("charges each due period once when two renewal runs race", async () => {
    const plan = await fanClub(rex, 30n, 7);
    const members = await Promise.all(Array.from({ length: 6 }, () => fundedMember(100n)));
    for (const member of members) await join(member, plan.id);
    const ends = await Promise.all(members.map(async (member) => (await membershipOf(member.id, plan.id)).current_period_end.getTime()));
    const at = new Date(Math.max(...ends) + MINUTE);

    const runs = await Promise.all([renewDueMemberships({ at }), renewDueMemberships({ at })]);
    expect(runs[0].renewed + runs[1].renewed).toBeGreaterThanOrEqual(members.length);
    for (const member of members) {
      const membership = await membershipOf(member.id, plan.id);
      expect(membership.status).toBe("ACTIVE");
      expect(await chargesOf(membership.id)).toHaveLength(2);
      expect((await walletBalances(pool, member.id)).available).toBe(40n);
    }
  });
});

describe("who may do what", () => {
  it("lets a performer edit only their own plans, and admins only site plans", async () => {
    const plan = await fanClub(luna, 50n);
    const edit = { ...plan, name: "Renamed", price: 60n };
    expect(await refusalCodeOf(() => callerAs(rex).memberships.updatePlan(edit))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => callerAs(admin).memberships.siteAdmin.updatePlan(edit))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => callerAs(luna).memberships.updatePlan(edit))).toBe("OK");
    expect((await callerAs(rex).memberships.myPlans()).map((mine) => mine.id)).not.toContain(plan.id);
    expect((await callerAs(luna).memberships.myPlans()).find((mine) => mine.id === plan.id)).toMatchObject({ name: "Renamed", price: 60n });
    const { rows } = await pool.query<{ actor_id: string }>(
      "SELECT actor_id FROM audit_log WHERE target_type = 'membership_plan' AND target_id = $1 ORDER BY id",
      [plan.id],
    );
    expect(rows.map((row) => row.actor_id)).toEqual([luna.id, luna.id]);
  });

  it("refuses plan management to members, and site plans to performers", async () => {
    const member = await makeMember();
    const plan = { name: "Mine", price: 10n, periodDays: 30 };
    expect({
      anonymous: await refusalCodeOf(() => callerAs(null).memberships.createPlan(plan)),
      member: await refusalCodeOf(() => callerAs(member).memberships.createPlan(plan)),
      admin: await refusalCodeOf(() => callerAs(admin).memberships.createPlan(plan)),
      performerSitePlan: await refusalCodeOf(() => callerAs(luna).memberships.siteAdmin.createPlan(plan)),
      memberSitePlans: await refusalCodeOf(() => callerAs(member).memberships.siteAdmin.plans()),
      anonymousJoin: await refusalCodeOf(() => callerAs(null).memberships.subscribe({ planId: innerCircleId, idempotencyKey: randomUUID() })),
    }).toEqual({
      anonymous: "UNAUTHORIZED",
      member: "FORBIDDEN",
      admin: "FORBIDDEN",
      performerSitePlan: "FORBIDDEN",
      memberSitePlans: "FORBIDDEN",
      anonymousJoin: "UNAUTHORIZED",
    });
  });

  it("lets no member cancel or resume another's membership", async () => {
    const owner = await fundedMember(500n);
    const other = await fundedMember(500n);
    const { membershipId } = await join(owner, innerCircleId);
    expect(await refusalCodeOf(() => callerAs(other).memberships.cancel({ membershipId }))).toBe("NOT_FOUND");
    await callerAs(owner).memberships.cancel({ membershipId });
    expect(await refusalCodeOf(() => callerAs(other).memberships.resume({ membershipId }))).toBe("NOT_FOUND");
    expect((await membershipOf(owner.id, innerCircleId)).status).toBe("CANCELLED");
    expect(await callerAs(other).memberships.mine()).toEqual([]);
  });

  it.each([
    [{ price: 0n }, "The price is at least 1 credit."],
    [{ price: 100_001n }, "The price is at most 100,000 credits per period."],
    [{ periodDays: 0 }, "A period is at least 1 day."],
    [{ periodDays: 367 }, "A period is at most 366 days."],
    [{ periodDays: 1.5 }, "A period is a whole number of days."],
    [{ name: " x " }, "Give the plan a name of at least 2 characters."],
    [{ perks: Array.from({ length: 13 }, (_, index) => `Perk ${index}`).join("\n") }, "List at most 12 perks, one per line."],
  ])("refuses a plan with %o", async (change, message) => {
    let fieldErrors: unknown;
    try {
      await callerAs(luna).memberships.createPlan({ name: "Valid", price: 10n, periodDays: 30, ...change });
    } catch (error) {
      fieldErrors = error instanceof TRPCError ? error.cause : error;
    }
    expect(String(fieldErrors)).toContain(message);
  });
});
