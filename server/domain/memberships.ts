import { z } from "zod";
import { DomainError } from "./errors";
import { formatCredits } from "./money";

/**
 * Membership rules, pure: when a period ends, what the renewal run does with a membership that is due, and who
 * may subscribe. Periods are whole days of 24 hours on the database's clock (timestamptz, so no DST surprises).
 */

export type MembershipStatus = "ACTIVE" | "GRACE" | "CANCELLED" | "LAPSED";

export const DAY_MS = 86_400_000;
export const MIN_PERIOD_DAYS = 1;
export const MAX_PERIOD_DAYS = 366;

const MAX_PLAN_PRICE = 100_000n;
const MAX_PERKS = 12;

/** What a plan may be, shared by the plan form in the browser and the tRPC inputs. */
export const planInputSchema = z.object({
  name: z.string().trim().min(2, "Give the plan a name of at least 2 characters.").max(60, "A plan name is at most 60 characters."),
  description: z.string().trim().max(1_000, "A description is at most 1,000 characters.").default(""),
  perks: z
    .string()
    .trim()
    .max(2_000, "Perks are at most 2,000 characters.")
    .refine((perks) => perks.split("\n").filter((line) => line.trim()).length <= MAX_PERKS, `List at most ${MAX_PERKS} perks, one per line.`)
    .default(""),
  price: z
    .bigint()
    .min(1n, "The price is at least 1 credit.")
    .max(MAX_PLAN_PRICE, `The price is at most ${formatCredits(MAX_PLAN_PRICE)} credits per period.`),
  periodDays: z
    .number()
    .int("A period is a whole number of days.")
    .min(MIN_PERIOD_DAYS, `A period is at least ${MIN_PERIOD_DAYS} day.`)
    .max(MAX_PERIOD_DAYS, `A period is at most ${MAX_PERIOD_DAYS} days.`),
  active: z.boolean().default(true),
});
export type PlanInput = z.input<typeof planInputSchema>;

export const updatePlanSchema = planInputSchema.extend({ id: z.uuid() });
export type UpdatePlanInput = z.input<typeof updatePlanSchema>;

export interface Period {
  start: Date;
  end: Date;
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/** A period of `periodDays` days from `start`. */
export function periodFrom(start: Date, periodDays: number): Period {
  if (!Number.isInteger(periodDays) || periodDays < MIN_PERIOD_DAYS || periodDays > MAX_PERIOD_DAYS) {
    throw new RangeError(`a period is ${MIN_PERIOD_DAYS} to ${MAX_PERIOD_DAYS} whole days, not ${periodDays}`);
  }
  return { start, end: addDays(start, periodDays) };
}

/**
 * The period a renewal pays for. It continues from where the paid period ended, so a renewal run a little late
 * (or one that succeeds during grace) leaves no gap and gives no free days. Only when that whole period has already
 * passed (the runs were stopped for longer than a period) does it start at `at`: the member is never billed for
 * time that went by without access.
 */
export function renewalPeriod(previousEnd: Date, periodDays: number, at: Date): Period {
  const continued = periodFrom(previousEnd, periodDays);
  return continued.end > at ? continued : periodFrom(at, periodDays);
}

/** When a membership whose renewal failed at the end of its period stops granting access. */
export function graceEnd(periodEnd: Date, graceDays: number): Date {
  return addDays(periodEnd, graceDays);
}

/** Renewals never cost more than the member last agreed to pay; a price cut applies at the next renewal. */
export function renewalPrice(lastPaid: bigint, currentPrice: bigint): bigint {
  return lastPaid < currentPrice ? lastPaid : currentPrice;
}

export interface DueMembership {
  status: MembershipStatus;
  currentPeriodEnd: Date;
  graceUntil: Date | null;
  /** An inactive plan takes no new members and renews nobody: memberships run to the end of what was paid. */
  planActive: boolean;
}

export type LapseReason = "cancelled" | "grace_ended" | "plan_retired";

export type RenewalStep =
  | { kind: "wait" }
  | { kind: "charge"; period: Period }
  | { kind: "lapse"; reason: LapseReason };

/** What the renewal run does with a membership at `at`. */
export function renewalStep(membership: DueMembership, periodDays: number, at: Date): RenewalStep {
  if (membership.status === "LAPSED" || membership.currentPeriodEnd > at) return { kind: "wait" };
  if (membership.status === "CANCELLED") return { kind: "lapse", reason: "cancelled" };
  if (!membership.planActive) return { kind: "lapse", reason: "plan_retired" };
  if (membership.status === "GRACE" && (membership.graceUntil === null || membership.graceUntil <= at)) {
    return { kind: "lapse", reason: "grace_ended" };
  }
  return { kind: "charge", period: renewalPeriod(membership.currentPeriodEnd, periodDays, at) };
}

export type FailedRenewal =
  /** `enteredGrace`: grace starts with this failure, so the member is told once, not at every retry. */
  | { status: "GRACE"; graceUntil: Date; enteredGrace: boolean }
  | { status: "LAPSED"; reason: "grace_ended" };

/**
 * After a renewal charge was refused for want of credits: an active membership enters grace until `graceDays`
 * after its period end (or lapses at once when that is already over); one in grace keeps its grace end.
 */
export function afterFailedRenewal(
  membership: { status: MembershipStatus; currentPeriodEnd: Date; graceUntil: Date | null },
  graceDays: number,
  at: Date,
): FailedRenewal {
  if (membership.status === "GRACE" && membership.graceUntil !== null) {
    return membership.graceUntil > at
      ? { status: "GRACE", graceUntil: membership.graceUntil, enteredGrace: false }
      : { status: "LAPSED", reason: "grace_ended" };
  }
  const until = graceEnd(membership.currentPeriodEnd, graceDays);
  return until > at ? { status: "GRACE", graceUntil: until, enteredGrace: true } : { status: "LAPSED", reason: "grace_ended" };
}

/** A period for people: "day", "week" or "30 days", as in "50 credits per 30 days". */
export function periodLabel(periodDays: number): string {
  if (periodDays === 1) return "day";
  if (periodDays === 7) return "week";
  return `${periodDays} days`;
}

/** A plan's perks are stored one per line; blank lines are spacing, not perks. */
export function perkLines(perks: string): string[] {
  return perks
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/**
 * Refuses a subscription to a plan the member already holds a membership of, unless it is over (lapsed, or
 * cancelled and past its period end): then the same row starts a new period.
 */
export function assertCanSubscribe(existing: { status: MembershipStatus; currentPeriodEnd: Date } | null, at: Date): void {
  if (!existing || existing.status === "LAPSED") return;
  const ended = existing.currentPeriodEnd <= at;
  switch (existing.status) {
    case "ACTIVE":
      throw new DomainError(
        "CONFLICT",
        ended
          ? "You are already a member; your renewal is being processed."
          : `You are already a member. Your membership renews on ${dateFormat.format(existing.currentPeriodEnd)}.`,
      );
    case "GRACE":
      throw new DomainError(
        "CONFLICT",
        "You are already a member, waiting for a renewal payment. Add credits and it renews within a few minutes.",
      );
    case "CANCELLED":
      if (ended) return;
      throw new DomainError(
        "CONFLICT",
        `Your cancelled membership runs until ${dateFormat.format(existing.currentPeriodEnd)}. Resume it instead of joining again.`,
      );
  }
}

/** A member may cancel an active membership (access stays until the period end) or one in grace (it ends now). */
export function cancellation(status: MembershipStatus): "CANCELLED" | "LAPSED" {
  if (status === "ACTIVE") return "CANCELLED";
  if (status === "GRACE") return "LAPSED";
  throw new DomainError("CONFLICT", status === "CANCELLED" ? "This membership is already cancelled." : "This membership has ended.");
}

/** A cancelled membership may be resumed until its period ends; after that, the member joins again. */
export function assertCanResume(membership: { status: MembershipStatus; currentPeriodEnd: Date }, at: Date): void {
  if (membership.status !== "CANCELLED") {
    throw new DomainError("CONFLICT", membership.status === "LAPSED" ? "This membership has ended; join again instead." : "This membership is not cancelled.");
  }
  if (membership.currentPeriodEnd <= at) throw new DomainError("CONFLICT", "This membership has ended; join again instead.");
}
