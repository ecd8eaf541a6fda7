import "server-only";
/** A member's memberships: joining a plan and paying its first period, their list, cancelling and resuming. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { pool, prisma } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type MembershipStatus, assertCanResume, assertCanSubscribe, cancellation, periodFrom, renewalPrice } from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";
import { storableBigint } from "@/server/domain/storable";
import { walletChoiceSchema } from "@/server/domain/wallet-spending";
import { earlierPosting } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import { findSellingPerformer } from "../sales/sales";
import { payingWallet } from "../wallet/spending";
import { grantsAccessAt } from "./access";
import { chargePeriod, loadPlan, memberContact, planTitle, walletUpdates } from "./charges";
import { membershipNoticeMessage } from "./notice-emails";
import { lockMemberPlan, lockOwnMembershipRow, markCancelled, markResumed, membershipAtNow, upsertActiveMembership } from "./queries";

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
 * A member joins a plan and pays its first period from their wallet; the membership (a new row, or their lapsed
 * one again) and the period's charge are written in the same transaction. A retry with the same key returns the
 * first result without charging again.
 */
export async function subscribe(memberId: string, input: SubscribeInput): Promise<SubscribeResult> {
  const { planId, idempotencyKey, expectedPrice, walletTypeId } = subscribeSchema.parse(input);
  const plan = await loadPlan(pool, planId);
  if (plan.performer_id) await findSellingPerformer(pool, { performerId: plan.performer_id });
  if (plan.performer_id === memberId) throw new DomainError("FORBIDDEN", "You cannot join your own fan club.");
  const key = `membership:${memberId}:${idempotencyKey}`;
  const request = { planId };

  const result = await withTransaction(pool, async (db) => {
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
    await upsertActiveMembership(db, { id: membershipId, planId, memberId, period, periodDays: plan.period_days, walletTypeId: wallet.id });
    const charge = await chargePeriod(db, { membershipId, memberId, plan, price: BigInt(plan.price), period, idempotencyKey: key, request, renewal: false, wallet });
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

