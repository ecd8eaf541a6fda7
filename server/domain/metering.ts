import { DomainError } from "./errors";
import { formatCredits, mulDivFloor } from "./money";

/**
 * The taxi meter of a per-minute show, as pure integer rules. Time is whole metered seconds (the database clock
 * decides how many); money is whole credits.
 *
 *  - The first `freeSeconds` cost nothing.
 *  - The moment billing starts, the minimum charge (`minimumMinutes` at the per-minute price) is owed in full;
 *    it covers the first `minimumMinutes` minutes after the free time.
 *  - After that every started increment of `incrementSeconds` is owed pro rata: the charge for the time covered
 *    by all started increments is floor(price x seconds / 60), computed on the cumulative time so rounding never
 *    adds up and a started increment is never charged twice.
 *
 * The ledger engine computes the same rules in SQL (show_charge_for and show_affordable_seconds in the
 * show_metering migration); an integration test checks the two agree.
 */

export interface MeterTerms {
  pricePerMinute: bigint;
  freeSeconds: number;
  minimumMinutes: number;
  incrementSeconds: number;
}

/** metered_seconds is an INTEGER column; nothing meters beyond it. */
export const MAX_METERED_SECONDS = 2_147_483_647;
/** Members are warned when their credits cover about this much more time. */
export const LOW_BALANCE_SECONDS = 120;
/** Both pages send a heartbeat this often while open. */
export const HEARTBEAT_SECONDS = 15;
/** A side not seen for longer than this (two missed heartbeats) counts as offline: the meter pauses. */
export const STALE_AFTER_SECONDS = 30;

export function assertMeterTerms(terms: MeterTerms): void {
  if (terms.pricePerMinute <= 0n) throw new DomainError("BAD_REQUEST", "A show needs a price of at least 1 credit a minute.");
  const whole = (value: number, min: number) => Number.isInteger(value) && value >= min;
  if (!whole(terms.freeSeconds, 0) || !whole(terms.minimumMinutes, 0) || !whole(terms.incrementSeconds, 1)) {
    throw new DomainError("BAD_REQUEST", "Free seconds and minimum minutes must be whole and not negative; the increment at least 1 second.");
  }
}

function minimumCharge(terms: MeterTerms): bigint {
  return terms.pricePerMinute * BigInt(terms.minimumMinutes);
}

/** What `seconds` of metered time cost in total. */
export function chargeFor(seconds: number, terms: MeterTerms): bigint {
  assertMeterTerms(terms);
  if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError("metered seconds must be a whole, non-negative number");
  const billable = seconds - terms.freeSeconds;
  if (billable <= 0) return 0n;
  const beyondMinimum = billable - terms.minimumMinutes * 60;
  if (beyondMinimum <= 0) return minimumCharge(terms);
  const startedIncrements = Math.ceil(beyondMinimum / terms.incrementSeconds);
  const coveredSeconds = BigInt(startedIncrements) * BigInt(terms.incrementSeconds);
  return minimumCharge(terms) + mulDivFloor(terms.pricePerMinute, coveredSeconds, 60n);
}

/**
 * The time `seconds` of metered time is charged for (what chargeFor prices): none within the free seconds, the
 * minimum minutes as soon as the meter passes them, then whole increments started.
 */
export function chargedSeconds(seconds: number, terms: MeterTerms): number {
  assertMeterTerms(terms);
  const billable = seconds - terms.freeSeconds;
  if (billable <= 0) return 0;
  const minimum = terms.minimumMinutes * 60;
  const beyondMinimum = billable - minimum;
  if (beyondMinimum <= 0) return minimum;
  return minimum + Math.ceil(beyondMinimum / terms.incrementSeconds) * terms.incrementSeconds;
}

/** The most metered seconds `budget` credits pay for: the largest t with chargeFor(t) <= budget. */
export function affordableSeconds(budget: bigint, terms: MeterTerms): number {
  assertMeterTerms(terms);
  const minimum = minimumCharge(terms);
  if (budget < minimum) return terms.freeSeconds;
  // Largest k with floor(price x k x increment / 60) <= budget - minimum.
  const perIncrementTimesSixty = terms.pricePerMinute * BigInt(terms.incrementSeconds);
  const increments = (60n * (budget - minimum + 1n) - 1n) / perIncrementTimesSixty;
  const cappedIncrements = increments > BigInt(MAX_METERED_SECONDS) ? BigInt(MAX_METERED_SECONDS) : increments;
  const seconds = BigInt(terms.freeSeconds) + BigInt(terms.minimumMinutes * 60) + cappedIncrements * BigInt(terms.incrementSeconds);
  return seconds > BigInt(MAX_METERED_SECONDS) ? MAX_METERED_SECONDS : Number(seconds);
}

/**
 * The hold taken when a member's meter starts: the first charge that falls due, i.e. the minimum charge, or one
 * increment when there is no minimum. Zero only when that first charge rounds to nothing.
 */
export function startHold(terms: MeterTerms): bigint {
  return chargeFor(terms.freeSeconds + 1, terms);
}

/**
 * How far ahead of the meter a running show keeps the member's credits held: what the next minute (at least the
 * next increment) will cost. The sweep settles every few seconds, so each settlement period is covered with room
 * for a late sweep, and credits the show will need can't be spent or transferred meanwhile. The SQL engine uses
 * the same number (show_meter_plan, migration show_hold_ahead).
 */
export const HOLD_AHEAD_SECONDS = 60;

/**
 * The credits a running meter should have held after a settlement: what it will owe `HOLD_AHEAD_SECONDS` (at
 * least one increment) from now, less what is posted already.
 */
export function holdTarget(meteredSeconds: number, settled: bigint, terms: MeterTerms): bigint {
  const ahead = Math.min(MAX_METERED_SECONDS, meteredSeconds + Math.max(HOLD_AHEAD_SECONDS, terms.incrementSeconds));
  const owedThen = chargeFor(ahead, terms) - settled;
  return owedThen > 0n ? owedThen : 0n;
}

/** Metered seconds the member's credits still pay for. */
export function secondsLeft(budget: bigint, meteredSeconds: number, terms: MeterTerms): number {
  return Math.max(0, affordableSeconds(budget, terms) - meteredSeconds);
}

export function isLowBalance(secondsRemaining: number): boolean {
  return secondsRemaining <= LOW_BALANCE_SECONDS;
}

/** Split settlement: unposted charges are collected once they reach the threshold. */
export function shouldSettle(unposted: bigint, threshold: bigint): boolean {
  return unposted > 0n && unposted >= threshold;
}

export interface MeterState {
  meteredSeconds: number;
  /** Credits already posted as show charges for this meter. */
  settled: bigint;
  /** Credits still held for this meter. */
  held: bigint;
  /** The member's spendable available credits (0 when the wallet is negative or restricted). */
  available: bigint;
}

export interface Settlement {
  /** Seconds paid for: metered time, but never more than the member's credits cover. */
  billedSeconds: number;
  /** Owed and not yet posted. */
  unposted: bigint;
  /** What to post now: all of it when the meter ends, else only once it reached the threshold. */
  charge: bigint;
  fromHeld: bigint;
  fromAvailable: bigint;
  /** Hold left over when the meter ends, returned to the member's available credits. */
  release: bigint;
  /**
   * Moved from available to held for a meter that keeps going, up to `holdTarget`: as much of it as the member's
   * credits allow. A member short of the full amount keeps watching on what is held, and the meter ends when that
   * runs out, as it always has.
   */
  topUp: bigint;
  /** The running meter reached what the member's credits pay for: it ends now. */
  fundsExhausted: boolean;
  ends: boolean;
  secondsLeft: number;
}

/**
 * What one meter owes right now and where the credits come from: the hold first, then available credits. The
 * charge is capped by what the member can pay, so a balance never goes below zero.
 */
export function planSettlement(
  state: MeterState,
  options: { terms: MeterTerms; threshold: bigint; running: boolean; ending: boolean },
): Settlement {
  const budget = state.settled + state.held + state.available;
  const affordable = affordableSeconds(budget, options.terms);
  const fundsExhausted = options.running && state.meteredSeconds >= affordable;
  const ends = options.ending || fundsExhausted;
  const billedSeconds = Math.min(state.meteredSeconds, affordable);
  const owed = chargeFor(billedSeconds, options.terms) - state.settled;
  const unposted = owed > 0n ? owed : 0n;
  const charge = ends || shouldSettle(unposted, options.threshold) ? unposted : 0n;
  const fromHeld = charge < state.held ? charge : state.held;
  const fromAvailable = charge - fromHeld;
  const wanted = holdTarget(state.meteredSeconds, state.settled + charge, options.terms) - (state.held - fromHeld);
  const spare = state.available - fromAvailable;
  const topUp = ends || wanted <= 0n || spare <= 0n ? 0n : wanted < spare ? wanted : spare;
  return {
    billedSeconds,
    unposted,
    charge,
    fromHeld,
    fromAvailable,
    release: ends ? state.held - fromHeld : 0n,
    topUp,
    fundsExhausted,
    ends,
    secondsLeft: Math.max(0, affordable - state.meteredSeconds),
  };
}

/** Metered time as a meter shows it: "0:45", "12:05", "1:02:03". */
export function formatMeterDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/**
 * What a member agrees to when a show starts, in the order it happens: the first charge due moves to Held, is
 * charged once the meter runs past any free time, then every started increment is charged as the meter reaches it.
 */
export function showBillingText(terms: MeterTerms, startsWhen: string): string {
  const hold = startHold(terms);
  const free = terms.freeSeconds > 0 ? ` past the free ${formatMeterDuration(terms.freeSeconds)}` : "";
  const increments = `each started ${terms.incrementSeconds} s is charged at ${formatCredits(terms.pricePerMinute)} credits a minute, and the next minute is kept in Held as the meter runs`;
  if (hold === 0n) return `${startsWhen}, the meter starts. Once it runs${free}, ${increments}.`;
  const first = terms.minimumMinutes > 0 ? `the ${terms.minimumMinutes}-minute minimum` : `the first ${terms.incrementSeconds} s`;
  return `${startsWhen}, ${formatCredits(hold)} credits (${first}) move to Held in your wallet and are charged once the meter runs${free}. After that, ${increments}.`;
}
