import "server-only";
import { randomUUID } from "node:crypto";
import type { PoolClient } from "pg";
import { z } from "zod";
import { storableBigint } from "@/server/domain/storable";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError, isDomainError } from "@/server/domain/errors";
import {
  type MembershipStatus,
  type PlanInput,
  type UpdatePlanInput,
  type Period,
  afterFailedRenewal,
  assertCanResume,
  assertCanSubscribe,
  cancellation,
  periodFrom,
  planInputSchema,
  renewalPrice,
  renewalStep,
  updatePlanSchema,
} from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";
import { earlierPosting } from "@/server/ledger/post";
import { MEMBERSHIP_GRANTS_ACCESS_SQL } from "./access";
import { type OutboxMessage, enqueue } from "@/server/outbox/messages";
import { type MembershipNotice, membershipNoticeMessage } from "./notice-emails";
import { findSellingPerformer, postSale } from "../sales/sales";
import { recordAudit } from "../audit/record";
import { getSetting } from "../settings/settings";

/**
 * Memberships: site plans (no performer; all revenue to the site) and performers' fan clubs. A member pays each
 * period from their wallet; the `memberships.renew` job renews, puts in grace and ends them (renewDueMemberships).
 * The rules are pure, in server/domain/memberships.ts; this file loads, locks, posts and persists.
 */

export { planInputSchema, updatePlanSchema, type PlanInput, type UpdatePlanInput };

export const subscribeSchema = z.object({
  planId: z.uuid(),
  idempotencyKey: z.uuid(),
  /** The price the member saw and confirmed; a price changed meanwhile is refused rather than charged. */
  expectedPrice: storableBigint(z.bigint().positive()).optional(),
});
export type SubscribeInput = z.input<typeof subscribeSchema>;

/** Who a plan belongs to: the site (created by admins) or one performer. */
export type PlanOwner = { kind: "site"; adminId: string } | { kind: "performer"; performerId: string };

const ownerId = (owner: PlanOwner) => (owner.kind === "site" ? null : owner.performerId);

export interface PlanView {
  id: string;
  performerId: string | null;
  name: string;
  description: string;
  perks: string;
  price: bigint;
  periodDays: number;
  active: boolean;
  /** Memberships granting access now. */
  memberCount: number;
}

interface PlanRow {
  id: string;
  performer_id: string | null;
  name: string;
  description: string;
  perks: string;
  price: string;
  period_days: number;
  active: boolean;
  member_count: number;
}

const PLAN_COLUMNS = `p.id, p.performer_id, p.name, p.description, p.perks, p.price, p.period_days, p.active,
  (SELECT count(*)::int FROM memberships m WHERE m.plan_id = p.id AND ${MEMBERSHIP_GRANTS_ACCESS_SQL}) AS member_count`;

function planView(row: PlanRow): PlanView {
  return {
    id: row.id,
    performerId: row.performer_id,
    name: row.name,
    description: row.description,
    perks: row.perks,
    price: BigInt(row.price),
    periodDays: row.period_days,
    active: row.active,
    memberCount: row.member_count,
  };
}

const actorOf = (owner: PlanOwner) => (owner.kind === "site" ? owner.adminId : owner.performerId);

export async function createPlan(owner: PlanOwner, input: PlanInput): Promise<PlanView> {
  const plan = planInputSchema.parse(input);
  return withTransaction(pool, async (db) => {
    const { rows } = await db.query<PlanRow>(
      `INSERT INTO membership_plans AS p (id, performer_id, name, description, perks, price, period_days, active, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, now())
       RETURNING ${PLAN_COLUMNS}`,
      [ownerId(owner), plan.name, plan.description, plan.perks, plan.price.toString(), plan.periodDays, plan.active],
    );
    const created = planView(rows[0] as PlanRow);
    await recordAudit(db, { actorId: actorOf(owner), action: "membership_plan.create", target: { type: "membership_plan", id: created.id }, details: plan });
    return created;
  });
}

/** Edits one of the owner's plans; another owner's plan is refused. A new price applies from the next renewal. */
export async function updatePlan(owner: PlanOwner, input: UpdatePlanInput): Promise<PlanView> {
  const { id, ...plan } = updatePlanSchema.parse(input);
  return withTransaction(pool, async (db) => {
    const existing = await db.query<{ performer_id: string | null }>("SELECT performer_id FROM membership_plans WHERE id = $1 FOR UPDATE", [id]);
    const row = existing.rows[0];
    if (!row) throw new DomainError("NOT_FOUND", "That plan does not exist.");
    if (row.performer_id !== ownerId(owner)) {
      throw new DomainError("FORBIDDEN", owner.kind === "site" ? "Only site plans are edited here." : "You can only edit your own plans.");
    }
    const { rows } = await db.query<PlanRow>(
      `UPDATE membership_plans AS p
          SET name = $2, description = $3, perks = $4, price = $5, period_days = $6, active = $7, updated_at = now()
        WHERE p.id = $1
       RETURNING ${PLAN_COLUMNS}`,
      [id, plan.name, plan.description, plan.perks, plan.price.toString(), plan.periodDays, plan.active],
    );
    await recordAudit(db, { actorId: actorOf(owner), action: "membership_plan.update", target: { type: "membership_plan", id }, details: plan });
    return planView(rows[0] as PlanRow);
  });
}

/** Every plan of the owner, on offer or not, for their management page. */
export async function plansOwnedBy(owner: PlanOwner): Promise<PlanView[]> {
  const { rows } = await pool.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM membership_plans p
      WHERE p.performer_id IS NOT DISTINCT FROM $1::uuid
      ORDER BY p.active DESC, p.price, p.created_at`,
    [ownerId(owner)],
  );
  return rows.map(planView);
}

export interface OfferedPlan extends PlanView {
  /** The viewer's own membership of the plan, when signed in and they have one. */
  viewerMembership: { id: string; status: MembershipStatus; currentPeriodEnd: Date; hasAccess: boolean } | null;
}

/** The plans on offer: a performer's fan clubs (by username), or the site plans; with the viewer's membership. */
export async function offeredPlans(who: { performerUsername: string } | { site: true }, viewerId: string | null): Promise<OfferedPlan[]> {
  const { rows } = await pool.query<
    PlanRow & { membership_id: string | null; status: MembershipStatus | null; current_period_end: Date | null; has_access: boolean | null }
  >(
    `SELECT ${PLAN_COLUMNS}, m.id AS membership_id, m.status, m.current_period_end, ${MEMBERSHIP_GRANTS_ACCESS_SQL} AS has_access
       FROM membership_plans p
       LEFT JOIN users u ON u.id = p.performer_id
       LEFT JOIN performer_profiles pp ON pp.user_id = p.performer_id
       LEFT JOIN memberships m ON m.plan_id = p.id AND m.member_id = $2::uuid
      WHERE p.active
        AND CASE WHEN $1::text IS NULL THEN p.performer_id IS NULL
                 ELSE u.username = lower($1) AND u.status = 'ACTIVE' AND pp.status = 'APPROVED' END
      ORDER BY p.price, p.created_at`,
    ["performerUsername" in who ? who.performerUsername : null, viewerId],
  );
  return rows.map((row) => ({
    ...planView(row),
    viewerMembership:
      row.membership_id && row.status && row.current_period_end
        ? { id: row.membership_id, status: row.status, currentPeriodEnd: row.current_period_end, hasAccess: row.has_access === true }
        : null,
  }));
}

interface PlanForSale {
  id: string;
  performer_id: string | null;
  name: string;
  price: string;
  period_days: number;
  active: boolean;
  stage_name: string | null;
}

const planTitle = (plan: { name: string; stage_name: string | null }) => (plan.stage_name ? `${plan.name} (${plan.stage_name})` : plan.name);

async function loadPlan(db: Queryable, planId: string): Promise<PlanForSale> {
  const { rows } = await db.query<PlanForSale>(
    `SELECT p.id, p.performer_id, p.name, p.price, p.period_days, p.active, pp.stage_name
       FROM membership_plans p LEFT JOIN performer_profiles pp ON pp.user_id = p.performer_id
      WHERE p.id = $1`,
    [planId],
  );
  const plan = rows[0];
  if (!plan) throw new DomainError("NOT_FOUND", "That plan does not exist.");
  return plan;
}

interface ChargeInput {
  membershipId: string;
  memberId: string;
  plan: PlanForSale;
  price: bigint;
  period: Period;
  idempotencyKey: string;
  request: unknown;
  renewal: boolean;
}

/** One period paid: the sale (commission, earnings lot) and its membership_charges row, in the caller's transaction. */
async function chargePeriod(db: PoolClient, charge: ChargeInput): Promise<{ transactionId: bigint; replayed: boolean }> {
  const sale = await postSale(db, {
    kind: "MEMBERSHIP_CHARGE",
    saleKind: "MEMBERSHIP",
    buyerId: charge.memberId,
    performerId: charge.plan.performer_id,
    amount: charge.price,
    idempotencyKey: charge.idempotencyKey,
    request: charge.request,
    description: `${charge.renewal ? "Membership renewal" : "Membership"}: ${planTitle(charge.plan)}`,
    metadata: {
      membershipId: charge.membershipId,
      planId: charge.plan.id,
      planName: charge.plan.name,
      periodStart: charge.period.start.toISOString(),
      periodEnd: charge.period.end.toISOString(),
    },
  });
  if (!sale.replayed) {
    await db.query(
      `INSERT INTO membership_charges (membership_id, period_start, period_end, price, transaction_id) VALUES ($1, $2, $3, $4, $5)`,
      [charge.membershipId, charge.period.start, charge.period.end, charge.price.toString(), sale.transactionId.toString()],
    );
  }
  return { transactionId: sale.transactionId, replayed: sale.replayed };
}

interface MemberContact {
  email: string;
  display_name: string;
}

/** Wallet updates for the people a membership charge moved (the performer is null for a site plan). */
function walletUpdates(about: string, userIds: (string | null)[]): OutboxMessage[] {
  return userIds.filter((id): id is string => id !== null).map((userId) => ({ key: `${about}:wallet:${userId}`, kind: "wallet-update", userId }));
}

async function memberContact(db: Queryable, memberId: string): Promise<MemberContact> {
  const { rows } = await db.query<MemberContact>("SELECT email, display_name FROM users WHERE id = $1", [memberId]);
  const member = rows[0];
  if (!member) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  return member;
}

export interface SubscribeResult {
  membershipId: string;
  transactionId: bigint;
  replayed: boolean;
  planName: string;
  price: bigint;
  currentPeriodEnd: Date;
}

/**
 * A member joins a plan and pays its first period from their wallet; the membership (a new row, or their lapsed
 * one again) and the period's charge are written in the same transaction. A retry with the same key returns the
 * first result without charging again.
 */
export async function subscribe(memberId: string, input: SubscribeInput): Promise<SubscribeResult> {
  const { planId, idempotencyKey, expectedPrice } = subscribeSchema.parse(input);
  const plan = await loadPlan(pool, planId);
  if (plan.performer_id) await findSellingPerformer(pool, { performerId: plan.performer_id });
  if (plan.performer_id === memberId) throw new DomainError("FORBIDDEN", "You cannot join your own fan club.");
  const key = `membership:${memberId}:${idempotencyKey}`;
  const request = { planId };

  const result = await withTransaction(pool, async (db) => {
    // One decision at a time per member and plan: two tabs joining at once cannot both pass the checks below.
    await db.query("SELECT pg_advisory_xact_lock(hashtextextended('membership:' || $1 || ':' || $2, 0))", [memberId, planId]);
    const replayed = await earlierSubscription(db, key, request);
    if (replayed) return replayed;

    const { rows } = await db.query<{ id: string | null; status: MembershipStatus; current_period_end: Date; now: Date }>(
      `SELECT m.id, m.status, m.current_period_end, now() AS now
         FROM (SELECT 1) AS one LEFT JOIN memberships m ON m.plan_id = $1 AND m.member_id = $2`,
      [planId, memberId],
    );
    const found = rows[0];
    if (!found) throw new Error("now() returned no row");
    const existing = found.id ? { status: found.status, currentPeriodEnd: found.current_period_end } : null;
    if (!plan.active) throw new DomainError("PRECONDITION_FAILED", "This plan is not taking new members.");
    if (expectedPrice !== undefined && expectedPrice !== BigInt(plan.price)) {
      throw new DomainError("CONFLICT", `The price changed: ${planTitle(plan)} now costs ${formatCredits(BigInt(plan.price))} credits a period. Review it and try again.`);
    }
    assertCanSubscribe(existing, found.now);

    const membershipId = found.id ?? randomUUID();
    const period = periodFrom(found.now, plan.period_days);
    await db.query(
      `INSERT INTO memberships (id, plan_id, member_id, status, current_period_start, current_period_end, period_days, updated_at)
       VALUES ($1, $2, $3, 'ACTIVE', $4, $5, $6, now())
       ON CONFLICT (plan_id, member_id) DO UPDATE
         SET status = 'ACTIVE', current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end,
             period_days = excluded.period_days, grace_until = NULL, cancelled_at = NULL, updated_at = now()`,
      [membershipId, planId, memberId, period.start, period.end, plan.period_days],
    );
    const charge = await chargePeriod(db, { membershipId, memberId, plan, price: BigInt(plan.price), period, idempotencyKey: key, request, renewal: false });
    const member = await memberContact(db, memberId);
    const about = `membership:${membershipId}:period:${period.start.toISOString()}`;
    await enqueue(db, [
      membershipNoticeMessage(`${about}:receipt`, {
        kind: "receipt",
        renewal: false,
        to: member.email,
        memberName: member.display_name,
        planTitle: planTitle(plan),
        price: BigInt(plan.price),
        periodStart: period.start,
        periodEnd: period.end,
      }),
      ...walletUpdates(about, [memberId, plan.performer_id]),
    ]);
    return { membershipId, transactionId: charge.transactionId, replayed: false, price: BigInt(plan.price), period };
  });

  return {
    membershipId: result.membershipId,
    transactionId: result.transactionId,
    replayed: result.replayed,
    planName: plan.name,
    price: result.price,
    currentPeriodEnd: result.period.end,
  };
}

/** The first subscription made with this key, for a retry; the same key with another request is a conflict. */
async function earlierSubscription(db: Queryable, key: string, request: unknown) {
  const first = await earlierPosting<{ membershipId: string; amount: string; periodStart: string; periodEnd: string }>(db, key, request);
  if (!first) return null;
  return {
    membershipId: first.metadata.membershipId,
    transactionId: first.transactionId,
    replayed: true,
    price: BigInt(first.metadata.amount),
    period: { start: new Date(first.metadata.periodStart), end: new Date(first.metadata.periodEnd) },
  };
}

export interface MembershipView {
  id: string;
  status: MembershipStatus;
  /** Whether it opens the plan's content now (access.ts rules). */
  hasAccess: boolean;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  graceUntil: Date | null;
  cancelledAt: Date | null;
  plan: { id: string; name: string; perks: string; periodDays: number; price: bigint; active: boolean };
  performer: { username: string; stageName: string } | null;
  /** When it renews next; null when it will not renew on a date (cancelled, in grace, ended, plan retired). */
  nextRenewalAt: Date | null;
  /** What the next renewal (or the retry during grace) costs. */
  renewalPrice: bigint;
}

/** The member's memberships: running ones first by next renewal, then ended ones. */
export async function membershipsOf(memberId: string): Promise<MembershipView[]> {
  const { rows } = await pool.query<{
    id: string;
    status: MembershipStatus;
    has_access: boolean;
    current_period_start: Date;
    current_period_end: Date;
    grace_until: Date | null;
    cancelled_at: Date | null;
    plan_id: string;
    name: string;
    perks: string;
    period_days: number;
    price: string;
    active: boolean;
    username: string | null;
    stage_name: string | null;
    last_price: string | null;
  }>(
    `SELECT m.id, m.status, ${MEMBERSHIP_GRANTS_ACCESS_SQL} AS has_access, m.current_period_start, m.current_period_end,
            m.grace_until, m.cancelled_at, p.id AS plan_id, p.name, p.perks, m.period_days, p.price, p.active,
            u.username, pp.stage_name,
            (SELECT c.price FROM membership_charges c WHERE c.membership_id = m.id ORDER BY c.period_start DESC LIMIT 1) AS last_price
       FROM memberships m
       JOIN membership_plans p ON p.id = m.plan_id
       LEFT JOIN users u ON u.id = p.performer_id
       LEFT JOIN performer_profiles pp ON pp.user_id = p.performer_id
      WHERE m.member_id = $1
      ORDER BY m.status = 'LAPSED', m.current_period_end`,
    [memberId],
  );
  return rows.map((row) => {
    const price = BigInt(row.price);
    return {
      id: row.id,
      status: row.status,
      hasAccess: row.has_access,
      currentPeriodStart: row.current_period_start,
      currentPeriodEnd: row.current_period_end,
      graceUntil: row.grace_until,
      cancelledAt: row.cancelled_at,
      plan: { id: row.plan_id, name: row.name, perks: row.perks, periodDays: row.period_days, price, active: row.active },
      performer: row.username && row.stage_name ? { username: row.username, stageName: row.stage_name } : null,
      nextRenewalAt: row.status === "ACTIVE" && row.active ? row.current_period_end : null,
      renewalPrice: renewalPrice(BigInt(row.last_price ?? row.price), price),
    };
  });
}

export const membershipIdSchema = z.object({ membershipId: z.uuid() });

/** Locks one of the member's own memberships; another member's is as good as missing. */
async function lockOwnMembership(db: Queryable, memberId: string, membershipId: string) {
  const { rows } = await db.query<{ status: MembershipStatus; current_period_end: Date; now: Date }>(
    "SELECT status, current_period_end, now() AS now FROM memberships WHERE id = $1 AND member_id = $2 FOR UPDATE",
    [membershipId, memberId],
  );
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "That membership does not exist.");
  return row;
}

/** Stops renewals: access stays until the paid period ends. A membership in grace ends now (nothing was paid). */
export async function cancelMembership(memberId: string, membershipId: string): Promise<{ status: MembershipStatus; currentPeriodEnd: Date }> {
  return withTransaction(pool, async (db) => {
    const row = await lockOwnMembership(db, memberId, membershipId);
    const next = cancellation(row.status);
    const { rows } = await db.query<{ plan_id: string; cancelled_at: Date }>(
      `UPDATE memberships SET status = $2::"MembershipStatus", cancelled_at = now(), grace_until = NULL, updated_at = now() WHERE id = $1
       RETURNING plan_id, cancelled_at`,
      [membershipId, next],
    );
    const cancelled = rows[0];
    if (!cancelled) throw new Error(`membership ${membershipId} vanished under its lock`);
    const plan = await loadPlan(db, cancelled.plan_id);
    const member = await memberContact(db, memberId);
    await enqueue(db, [
      // A member may cancel, resume and cancel again: each cancellation is its own notice.
      membershipNoticeMessage(`membership:${membershipId}:cancelled:${cancelled.cancelled_at.toISOString()}`, {
        kind: "cancelled",
        to: member.email,
        memberName: member.display_name,
        planTitle: planTitle(plan),
        accessUntil: next === "CANCELLED" ? row.current_period_end : null,
      }),
    ]);
    return { status: next, currentPeriodEnd: row.current_period_end };
  });
}

/** Undoes a cancellation before the period ends: renewals continue as before. */
export async function resumeMembership(memberId: string, membershipId: string): Promise<{ status: MembershipStatus; currentPeriodEnd: Date }> {
  return withTransaction(pool, async (db) => {
    const row = await lockOwnMembership(db, memberId, membershipId);
    assertCanResume({ status: row.status, currentPeriodEnd: row.current_period_end }, row.now);
    await db.query(`UPDATE memberships SET status = 'ACTIVE', cancelled_at = NULL, updated_at = now() WHERE id = $1`, [membershipId]);
    return { status: "ACTIVE", currentPeriodEnd: row.current_period_end };
  });
}

export interface RenewalRun {
  renewed: number;
  enteredGrace: number;
  /** Charges refused again for memberships already in grace. */
  stillInGrace: number;
  lapsed: number;
  /** Memberships whose handling failed for another reason; logged, and retried by the next run. */
  failed: number;
}

interface DueRow extends PlanForSale {
  membership_id: string;
  member_id: string;
  status: MembershipStatus;
  current_period_end: Date;
  grace_until: Date | null;
  last_price: string | null;
  email: string;
  display_name: string;
}

type Outcome = Exclude<keyof RenewalRun, "failed">;

/** Refusals that mean "the member can't pay right now", which grace is for; anything else is a real failure. */
const isPaymentRefusal = (error: unknown) => isDomainError(error) && (error.code === "INSUFFICIENT_FUNDS" || error.code === "ACCOUNT_RESTRICTED");

/**
 * Renews, puts in grace or ends every membership whose period ended by `at` (the job passes the database's now;
 * tests pass their own clock). Each membership is handled in its own transaction with its row locked FOR UPDATE
 * SKIP LOCKED, so any number of workers can run at once and none charges a period twice (the posting's key and
 * membership_charges' unique period say so again). Emails and wallet updates are written to the outbox with each.
 */
export async function renewDueMemberships({ at }: { at: Date }): Promise<RenewalRun> {
  const run: RenewalRun = { renewed: 0, enteredGrace: 0, stillInGrace: 0, lapsed: 0, failed: 0 };
  const { graceDays } = await getSetting(pool, "memberships");
  // Memberships still due after this run looked at them (in grace, refused again, failed) wait for the next run.
  const seen: string[] = [];
  for (;;) {
    const picked = { id: null as string | null };
    let handled: Awaited<ReturnType<typeof renewOne>> & { due: DueRow };
    try {
      const result = await withTransaction(pool, async (db) => {
        const { rows } = await db.query<DueRow>(
          `SELECT m.id AS membership_id, m.member_id, m.status, m.current_period_end, m.grace_until,
                  -- The member's own period: a plan's change of period applies to new members only.
                  p.id, p.performer_id, p.name, p.price, m.period_days, p.active, pp.stage_name, u.email, u.display_name,
                  (SELECT c.price FROM membership_charges c WHERE c.membership_id = m.id ORDER BY c.period_start DESC LIMIT 1) AS last_price
             FROM memberships m
             JOIN membership_plans p ON p.id = m.plan_id
             JOIN users u ON u.id = m.member_id
             LEFT JOIN performer_profiles pp ON pp.user_id = p.performer_id
            WHERE m.status IN ('ACTIVE', 'GRACE', 'CANCELLED') AND m.current_period_end <= $1 AND m.id <> ALL($2::uuid[])
            ORDER BY m.current_period_end, m.id
            LIMIT 1
            FOR UPDATE OF m SKIP LOCKED`,
          [at, seen],
        );
        const due = rows[0];
        if (!due) return null;
        picked.id = due.membership_id;
        seen.push(due.membership_id);
        const outcome = await renewOne(db, due, graceDays, at);
        // The period that ended names the event: each is renewed, graced or lapsed once.
        const about = `membership:${due.membership_id}:${outcome.outcome}:${due.current_period_end.toISOString()}`;
        await enqueue(db, [
          ...(outcome.notice ? [membershipNoticeMessage(`${about}:notice`, outcome.notice)] : []),
          ...(outcome.outcome === "renewed" ? walletUpdates(about, [due.member_id, due.performer_id]) : []),
        ]);
        return { due, ...outcome };
      });
      if (!result) return run;
      handled = result;
    } catch (error) {
      // One membership that cannot be handled must not hold up every other one due after it.
      if (picked.id === null) throw error;
      console.error(`membership ${picked.id} was not renewed in this run`, error);
      run.failed += 1;
      continue;
    }
    run[handled.outcome] += 1;
  }
}

async function renewOne(db: PoolClient, due: DueRow, graceDays: number, at: Date): Promise<{ outcome: Outcome; notice: MembershipNotice | null }> {
  const contact = { to: due.email, memberName: due.display_name, planTitle: planTitle(due) };
  const state = { status: due.status, currentPeriodEnd: due.current_period_end, graceUntil: due.grace_until };
  const step = renewalStep({ ...state, planActive: due.active }, due.period_days, at);

  if (step.kind === "wait") throw new Error(`membership ${due.membership_id} was picked as due but is not`);
  if (step.kind === "lapse") {
    await db.query(`UPDATE memberships SET status = 'LAPSED', grace_until = NULL, updated_at = now() WHERE id = $1`, [due.membership_id]);
    return { outcome: "lapsed", notice: { ...contact, kind: "lapsed", reason: step.reason } };
  }

  const price = renewalPrice(BigInt(due.last_price ?? due.price), BigInt(due.price));
  await db.query("SAVEPOINT renewal_charge");
  try {
    await chargePeriod(db, {
      membershipId: due.membership_id,
      memberId: due.member_id,
      plan: due,
      price,
      period: step.period,
      idempotencyKey: `membership:${due.membership_id}:period:${step.period.start.toISOString()}`,
      request: { membershipId: due.membership_id, periodStart: step.period.start.toISOString(), price: price.toString() },
      renewal: true,
    });
    await db.query("RELEASE SAVEPOINT renewal_charge");
  } catch (error) {
    if (!isPaymentRefusal(error)) throw error;
    await db.query("ROLLBACK TO SAVEPOINT renewal_charge");
    const failed = afterFailedRenewal(state, graceDays, at);
    if (failed.status === "LAPSED") {
      await db.query(`UPDATE memberships SET status = 'LAPSED', grace_until = NULL, updated_at = now() WHERE id = $1`, [due.membership_id]);
      return { outcome: "lapsed", notice: { ...contact, kind: "lapsed", reason: failed.reason } };
    }
    await db.query(`UPDATE memberships SET status = 'GRACE', grace_until = $2, updated_at = now() WHERE id = $1`, [due.membership_id, failed.graceUntil]);
    return failed.enteredGrace
      ? { outcome: "enteredGrace", notice: { ...contact, kind: "renewal_failed", price, graceUntil: failed.graceUntil } }
      : { outcome: "stillInGrace", notice: null };
  }
  await db.query(
    `UPDATE memberships SET status = 'ACTIVE', current_period_start = $2, current_period_end = $3, grace_until = NULL, updated_at = now()
      WHERE id = $1`,
    [due.membership_id, step.period.start, step.period.end],
  );
  return {
    outcome: "renewed",
    notice: { ...contact, kind: "receipt", renewal: true, price, periodStart: step.period.start, periodEnd: step.period.end },
  };
}
