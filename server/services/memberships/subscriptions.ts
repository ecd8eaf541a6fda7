import "server-only";
/** A member's memberships: joining a plan and paying its first period, their list, cancelling and resuming. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { loadActiveSessionUser } from "@/server/auth/session-user";
import { pool, prisma } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type MembershipStatus, type Period, assertCanResume, assertCanSubscribe, cancellation, periodFrom, renewalPrice } from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";
import { storableBigint } from "@/server/domain/storable";
import { walletChoiceSchema } from "@/server/domain/wallet-spending";
import { CREDITS } from "@/server/domain/ledger";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { earlierPosting, mapLedgerError } from "@/server/ledger/post";
import { requestHash } from "@/server/ledger/request-hash";
import { enqueue, wakeRelayWhenIdleSql } from "@/server/outbox/messages";
import { DEFAULT_HOLD, findSellingPerformer, sellingPerformerSql } from "../sales/sales";
import { payingWallet } from "../wallet/spending";
import { grantsAccessAt } from "./access";
import { chargePeriod, loadPlan, memberContact, membershipChargeMessage, planTitle } from "./charges";
import { membershipNoticeMessage } from "./notice-emails";
import {
  JOINABLE_AGAIN,
  JOIN_AGAIN_SET,
  isoSql,
  lockMemberPlan,
  lockOwnMembershipRow,
  markCancelled,
  markResumed,
  membershipAtNow,
  upsertActiveMembership,
} from "./queries";

export const subscribeSchema = z.object({
  planId: z.uuid(),
  idempotencyKey: z.uuid(),
  /** The price the member saw and confirmed; a price changed meanwhile is refused rather than charged. */
  expectedPrice: storableBigint(z.bigint().positive()).optional(),
  /** The wallet that pays this period and the renewals after it; Credits when omitted. */
  walletTypeId: walletChoiceSchema,
});
export type SubscribeInput = z.input<typeof subscribeSchema>;

export interface SubscribeResult {
  membershipId: string;
  transactionId: bigint;
  replayed: boolean;
  planName: string;
  price: bigint;
  currentPeriodEnd: Date;
}

/**
 * A join in one statement, when everything qualifies: the plan (active, at the price the member confirmed, if
 * they gave one), its performer (approved, active, not the member) unless it is a site plan, the member (and,
 * given the version a session claims, that session still current), a key not used yet, and a wallet whose rules
 * allow memberships (assertMayPay). The membership is written (a new row, or an earlier one started again only
 * when it is over: JOINABLE_AGAIN is assertCanSubscribe), then the sale (ledger_sale) hanging off it, the period's
 * charge and one outbox message naming the sale (membershipChargeAnnouncements renders the receipt and wallet
 * updates from it). The period starts at the database's clock, to the millisecond as the transactional path
 * keeps it. No row when anything does not qualify: nothing is written, and the transactional path words why.
 *
 * Concurrency without the advisory lock the transactional path takes: two joins of the same plan by the same
 * member meet at the membership's unique (plan, member) key, where the upsert waits for the other to commit and
 * then finds a running membership its guard refuses; the transactional path's upsert carries the same guard. So
 * a sale is posted here only by the join that started the membership, and its key, checked unused, cannot be
 * replayed by ledger_sale (a key is one member's, its request one plan's: a second posting of it would have to
 * start the same membership again). The relay is woken as a tip's statement wakes it (tipSql).
 */
const SUBSCRIBE_SQL = `
WITH plan AS MATERIALIZED (
  SELECT p.id, p.performer_id, p.name, p.price, p.period_days, pp.stage_name, date_trunc('milliseconds', now()) AS start
    FROM membership_plans p LEFT JOIN performer_profiles pp ON pp.user_id = p.performer_id
   WHERE p.id = $1::uuid AND p.active AND ($3::bigint IS NULL OR p.price = $3::bigint)
     AND (p.performer_id IS NULL OR (
           p.performer_id <> $2::uuid AND EXISTS (SELECT 1 FROM users u WHERE u.id = p.performer_id AND ${sellingPerformerSql("u", "pp")})))
     AND EXISTS (SELECT 1 FROM users m WHERE m.id = $2::uuid
                    AND ($8::int IS NULL OR (m.status = 'ACTIVE' AND m.session_version = $8::int)))
     AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.idempotency_key = $5)
), wallet AS MATERIALIZED (
  SELECT wt.id, 'user:' || $2::uuid || ':' || wt.account_kind || ':' || wt.currency AS account
    FROM wallet_types wt JOIN currencies c ON c.code = wt.currency
   WHERE wt.id = $4 AND wt.active AND c.active AND wt.currency = '${CREDITS}' AND 'MEMBERSHIPS' = ANY (wt.pays_for)
), joined AS (
  INSERT INTO memberships (id, plan_id, member_id, status, current_period_start, current_period_end, period_days, wallet_type_id, updated_at)
  SELECT gen_random_uuid(), p.id, $2::uuid, 'ACTIVE', p.start, p.start + p.period_days * interval '24 hours', p.period_days, w.id, now()
    FROM plan p CROSS JOIN wallet w
  ON CONFLICT (plan_id, member_id) DO UPDATE
     SET ${JOIN_AGAIN_SET}
   WHERE ${JOINABLE_AGAIN}
  RETURNING id, current_period_start, current_period_end
), sale AS MATERIALIZED (
  SELECT j.id AS membership_id, j.current_period_start, j.current_period_end, p.name, p.price, s.transaction_id, s.replayed
    FROM joined j CROSS JOIN plan p CROSS JOIN wallet w
   CROSS JOIN LATERAL ledger_sale('MEMBERSHIP_CHARGE', 'MEMBERSHIP', $2::uuid, p.performer_id, p.price, $5, $6,
     'Membership: ' || p.name || coalesce(' (' || nullif(p.stage_name, '') || ')', ''),
     jsonb_build_object('membershipId', j.id, 'planId', p.id, 'planName', p.name, 'periodStart', ${isoSql("j.current_period_start")},
       'periodEnd', ${isoSql("j.current_period_end")}, 'walletTypeId', w.id),
     ARRAY[w.account], ARRAY[-p.price], $7::jsonb) s
), charged AS (
  INSERT INTO membership_charges (membership_id, period_start, period_end, price, transaction_id)
  SELECT s.membership_id, s.current_period_start, s.current_period_end, s.price, s.transaction_id FROM sale s WHERE NOT s.replayed
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT 'membership:' || s.membership_id || ':period:' || ${isoSql("s.current_period_start")}, 'membership-charge',
         jsonb_build_object('transactionId', s.transaction_id::text)
    FROM sale s WHERE NOT s.replayed
)
SELECT s.membership_id, s.transaction_id, s.replayed, s.name, s.price, s.current_period_end,
       ${wakeRelayWhenIdleSql("NOT s.replayed")} AS woke_relay
  FROM sale s`;

/** Who joins: a member, and the session version their request claims (null when the caller checked the session). */
interface Subscriber {
  memberId: string;
  sessionVersion: number | null;
}

/**
 * A member joins a plan and pays its first period from their wallet: the membership (a new row, or their lapsed
 * one again), the period's charge and its announcement, in one round trip (SUBSCRIBE_SQL). A retry with the same
 * key returns the first result without charging again; it and every refusal are the transactional path's.
 */
export function subscribe(memberId: string, input: SubscribeInput): Promise<SubscribeResult> {
  return join({ memberId, sessionVersion: null }, input);
}

/**
 * subscribe for a session whose claim nothing has checked yet (`claimedProcedure`): the join's statement checks it
 * and posts nothing unless it holds, so the request needs no session query of its own. A session that no longer
 * counts is refused as signed out.
 */
export function subscribeAsSession(session: { userId: string; sessionVersion: number }, input: SubscribeInput): Promise<SubscribeResult> {
  return join({ memberId: session.userId, sessionVersion: session.sessionVersion }, input);
}

async function join(subscriber: Subscriber, input: SubscribeInput): Promise<SubscribeResult> {
  const parsed = subscribeSchema.parse(input);
  const { memberId, sessionVersion } = subscriber;
  const { rows } = await pool
    .query<{ membership_id: string; transaction_id: string; replayed: boolean; name: string; price: string; current_period_end: Date }>({
      name: "subscribe",
      text: SUBSCRIBE_SQL,
      values: [
        parsed.planId,
        memberId,
        parsed.expectedPrice?.toString() ?? null,
        parsed.walletTypeId ?? CREDITS_WALLET,
        subscriptionKey(memberId, parsed.idempotencyKey),
        requestHash(subscriptionRequest(parsed.planId)),
        DEFAULT_HOLD,
        sessionVersion,
      ],
    })
    .catch((error: unknown) => {
      // A unique key met (none is expected: the membership's upsert waits rather than conflicts) is a join that
      // lost a race; the transactional path sees the winner and answers as it does to any later request.
      if ((error as { code?: string }).code === "23505") return { rows: [] };
      return mapLedgerError(error);
    });
  const joined = rows[0];
  if (!joined) {
    // Why the statement found the session's member not to qualify comes first: a session that no longer counts is signed out.
    if (sessionVersion !== null && !(await loadActiveSessionUser(subscriber.memberId, sessionVersion))) {
      throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
    }
    return subscribeInTransaction(memberId, parsed);
  }
  return {
    membershipId: joined.membership_id,
    transactionId: BigInt(joined.transaction_id),
    replayed: joined.replayed,
    planName: joined.name,
    price: BigInt(joined.price),
    currentPeriodEnd: joined.current_period_end,
  };
}

const subscriptionKey = (memberId: string, idempotencyKey: string) => `membership:${memberId}:${idempotencyKey}`;
const subscriptionRequest = (planId: string) => ({ planId });

/**
 * The join as a transaction, for everything SUBSCRIBE_SQL leaves: it words every refusal, answers replays, and
 * posts what the statement could not (a join that lost a race to a unique key). Exported for the parity test,
 * which runs each case both ways.
 */
export async function subscribeInTransaction(memberId: string, input: z.output<typeof subscribeSchema>): Promise<SubscribeResult> {
  const { planId, idempotencyKey, expectedPrice, walletTypeId } = input;
  const plan = await loadPlan(pool, planId);
  if (plan.performer_id) await findSellingPerformer(pool, { performerId: plan.performer_id });
  if (plan.performer_id === memberId) throw new DomainError("FORBIDDEN", "You cannot join your own fan club.");
  const key = subscriptionKey(memberId, idempotencyKey);
  const request = subscriptionRequest(planId);

  const result = await withTransaction(pool, async (db): Promise<PaidPeriod> => {
    // One decision at a time per member and plan: two tabs joining at once cannot both pass the checks below.
    await lockMemberPlan(db, memberId, planId);
    const replayed = await earlierSubscription(db, key, request);
    if (replayed) return replayed;

    const found = await membershipAtNow(db, planId, memberId);
    const existing = found.id ? { status: found.status, currentPeriodEnd: found.current_period_end } : null;
    if (!plan.active) throw new DomainError("PRECONDITION_FAILED", "This plan is not taking new members.");
    if (expectedPrice !== undefined && expectedPrice !== BigInt(plan.price)) {
      throw new DomainError("CONFLICT", `The price changed: ${planTitle(plan)} now costs ${formatCredits(BigInt(plan.price))} credits a period. Review it and try again.`);
    }
    assertCanSubscribe(existing, found.now);
    const wallet = await payingWallet(db, walletTypeId, "MEMBERSHIPS");

    const membershipId = found.id ?? randomUUID();
    const period = periodFrom(found.now, plan.period_days);
    const started = await upsertActiveMembership(db, { id: membershipId, planId, memberId, period, periodDays: plan.period_days, walletTypeId: wallet.id });
    if (!started) return joinedMeanwhile(db, { key, request, planId, memberId });
    const charge = await chargePeriod(db, { membershipId, memberId, plan, price: BigInt(plan.price), period, idempotencyKey: key, request, renewalOf: null, wallet });
    await enqueue(db, [membershipChargeMessage(membershipId, period, charge.transactionId)]);
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

/**
 * A join in one statement (which takes no advisory lock) committed after this transaction read the membership:
 * answered as a request made after it would be, read again now that it is there.
 */
async function joinedMeanwhile(db: Queryable, attempt: { key: string; request: unknown; planId: string; memberId: string }): Promise<PaidPeriod> {
  const replayed = await earlierSubscription(db, attempt.key, attempt.request);
  if (replayed) return replayed;
  const found = await membershipAtNow(db, attempt.planId, attempt.memberId);
  assertCanSubscribe(found.id ? { status: found.status, currentPeriodEnd: found.current_period_end } : null, found.now);
  throw new Error(`membership of plan ${attempt.planId} by ${attempt.memberId} refused a join it allows`);
}

/** The period a join paid for (or the first join with its key paid for). */
interface PaidPeriod {
  membershipId: string;
  transactionId: bigint;
  replayed: boolean;
  price: bigint;
  period: Period;
}

/** The first subscription made with this key, for a retry; the same key with another request is a conflict. */
async function earlierSubscription(db: Queryable, key: string, request: unknown): Promise<PaidPeriod | null> {
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
  const at = new Date();
  const memberships = await prisma.membership.findMany({
    where: { memberId },
    orderBy: { currentPeriodEnd: "asc" },
    select: {
      id: true,
      status: true,
      currentPeriodStart: true,
      currentPeriodEnd: true,
      graceUntil: true,
      cancelledAt: true,
      periodDays: true,
      plan: { select: { id: true, name: true, perks: true, price: true, active: true, performerId: true } },
      charges: { orderBy: { periodStart: "desc" }, take: 1, select: { price: true } },
    },
  });
  const performerIds = [...new Set(memberships.map((membership) => membership.plan.performerId).filter((id) => id !== null))];
  const performers = await prisma.user.findMany({
    where: { id: { in: performerIds } },
    select: { id: true, username: true, performerProfile: { select: { stageName: true } } },
  });
  const performerOf = new Map(performers.map((user) => [user.id, user]));
  const running = memberships.filter((membership) => membership.status !== "LAPSED");
  const ended = memberships.filter((membership) => membership.status === "LAPSED");
  return [...running, ...ended].map((membership) => {
    const { plan } = membership;
    const performer = plan.performerId === null ? undefined : performerOf.get(plan.performerId);
    return {
      id: membership.id,
      status: membership.status,
      hasAccess: grantsAccessAt(membership, at),
      currentPeriodStart: membership.currentPeriodStart,
      currentPeriodEnd: membership.currentPeriodEnd,
      graceUntil: membership.graceUntil,
      cancelledAt: membership.cancelledAt,
      plan: { id: plan.id, name: plan.name, perks: plan.perks, periodDays: membership.periodDays, price: plan.price, active: plan.active },
      performer: performer?.performerProfile ? { username: performer.username, stageName: performer.performerProfile.stageName } : null,
      nextRenewalAt: membership.status === "ACTIVE" && plan.active ? membership.currentPeriodEnd : null,
      renewalPrice: renewalPrice(membership.charges[0]?.price ?? plan.price, plan.price),
    };
  });
}

export const membershipIdSchema = z.object({ membershipId: z.uuid() });

/** Locks one of the member's own memberships; another member's is as good as missing. */
async function lockOwnMembership(db: Queryable, memberId: string, membershipId: string) {
  const row = await lockOwnMembershipRow(db, memberId, membershipId);
  if (!row) throw new DomainError("NOT_FOUND", "That membership does not exist.");
  return row;
}

/** Stops renewals: access stays until the paid period ends. A membership in grace ends now (nothing was paid). */
export async function cancelMembership(memberId: string, membershipId: string): Promise<{ status: MembershipStatus; currentPeriodEnd: Date }> {
  return withTransaction(pool, async (db) => {
    const row = await lockOwnMembership(db, memberId, membershipId);
    const next = cancellation(row.status);
    const cancelled = await markCancelled(db, membershipId, next);
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
    await markResumed(db, membershipId);
    return { status: "ACTIVE", currentPeriodEnd: row.current_period_end };
  });
}

