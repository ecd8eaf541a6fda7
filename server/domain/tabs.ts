import { DomainError } from "./errors";
import { formatMinor, mulDivFloor } from "./money";

/**
 * Card tabs (post-pay): the rules as pure functions. A tab is a card authorised up to a limit; its wallet holds what
 * is left of the limit, sales spend it, and captures collect what it accrued. The service (server/services/tabs)
 * does the I/O; everything it decides is decided here.
 */

export const TAB_STATUSES = ["OPENING", "OPEN", "SETTLING", "PAYMENT_DUE", "WRITTEN_OFF", "CLOSED", "CANCELED"] as const;
export type TabStatus = (typeof TAB_STATUSES)[number];

/** Every move a tab may make; anything else is refused before a row or a card is touched. */
const TRANSITIONS: Record<TabStatus, readonly TabStatus[]> = {
  OPENING: ["OPEN", "CANCELED"],
  OPEN: ["SETTLING", "PAYMENT_DUE"],
  SETTLING: ["CLOSED", "PAYMENT_DUE"],
  PAYMENT_DUE: ["CLOSED", "WRITTEN_OFF"],
  WRITTEN_OFF: ["CLOSED"],
  CLOSED: [],
  CANCELED: [],
};

export function canMoveTab(from: TabStatus, to: TabStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A tab still counts against its member (one at a time) until it is closed or was never opened. */
export function isTabLive(status: TabStatus): boolean {
  return status !== "CLOSED" && status !== "CANCELED";
}

/** A member who owes a tab, or whose unpaid tab was written off, may not spend or open another until they pay. */
export function isTabOwed(status: TabStatus): boolean {
  return status === "PAYMENT_DUE" || status === "WRITTEN_OFF";
}

export interface TabBounds {
  minLimitMinor: bigint;
  maxLimitMinor: bigint;
  currency: string;
  /** What one credit costs, in minor units of `currency`. */
  creditPriceMinor: bigint;
}

/**
 * The credits a limit buys: the limit must lie within the admin's bounds and be a whole number of credits at the
 * site's credit price (a tab never holds a fraction of a credit, so nothing is rounded).
 */
export function tabLimitCredits(limitMinor: bigint, bounds: TabBounds): bigint {
  const { minLimitMinor, maxLimitMinor, currency, creditPriceMinor } = bounds;
  if (limitMinor < minLimitMinor || limitMinor > maxLimitMinor) {
    throw new DomainError(
      "BAD_REQUEST",
      `A tab's limit must be between ${formatMinor(minLimitMinor, currency)} and ${formatMinor(maxLimitMinor, currency)}.`,
    );
  }
  if (limitMinor % creditPriceMinor !== 0n) {
    throw new DomainError("BAD_REQUEST", `A tab's limit must be a whole number of credits at ${formatMinor(creditPriceMinor, currency)} each.`);
  }
  return limitMinor / creditPriceMinor;
}

export function creditsToMinor(credits: bigint, creditPriceMinor: bigint): bigint {
  return credits * creditPriceMinor;
}

/** Where a tab's limit is now, from its ledger: what is left in its wallet and what its shows hold. */
export interface TabPosition {
  limitCredits: bigint;
  /** Everything ever released from the tab wallet (its unused limit once it stopped). */
  releasedCredits: bigint;
  /** The tab wallet's balance: limit not yet spent or held. */
  walletCredits: bigint;
  /** Held for shows the tab pays, not yet charged. */
  heldCredits: bigint;
  capturedCredits: bigint;
  /** In captures under way (a charge row not yet settled). */
  capturingCredits: bigint;
}

export interface TabProgress {
  /** Charged to the tab so far (sales), captured or not. */
  accrued: bigint;
  /** Accrued and not captured, nor being captured. */
  uncaptured: bigint;
  /** What the tab may still spend: its wallet plus what its shows hold. */
  left: bigint;
}

export function tabProgress(position: TabPosition): TabProgress {
  const accrued = position.limitCredits - position.releasedCredits - position.walletCredits - position.heldCredits;
  if (accrued < 0n) throw new Error(`tab accrued ${accrued} credits: its ledger and row disagree`);
  return {
    accrued,
    uncaptured: accrued - position.capturedCredits - position.capturingCredits,
    left: position.walletCredits + position.heldCredits,
  };
}

/**
 * What a tab should do now, on the sweep or after a charge: capture a split when the uncaptured part reaches the
 * threshold; close when nothing is left to spend (the limit is reached) or the authorisation is near its end.
 */
export type TabAction = "close" | "split" | "none";

export function tabActionDue(input: {
  progress: TabProgress;
  splitThreshold: bigint | null;
  settleBy: Date | null;
  now: Date;
}): TabAction {
  const { progress, splitThreshold, settleBy, now } = input;
  if (progress.left === 0n) return "close";
  if (settleBy !== null && settleBy.getTime() <= now.getTime()) return "close";
  if (splitThreshold !== null && progress.uncaptured >= splitThreshold) return "split";
  return "none";
}

/** The split threshold a tab opened in a room uses: the room's own when performers may set one, else the site's. */
export function splitThresholdFor(input: {
  roomThreshold: bigint | null;
  siteDefault: bigint | null;
  performersMaySet: boolean;
}): bigint | null {
  if (input.performersMaySet && input.roomThreshold !== null) return input.roomThreshold;
  return input.siteDefault;
}

/** When a tab opened now must be settled: `settleAfterHours` after its authorisation, well inside the processor's 7 days. */
export function settleByFor(authorizedAt: Date, settleAfterHours: number): Date {
  return new Date(authorizedAt.getTime() + settleAfterHours * 3_600_000);
}

/** One sale a tab paid for, as the write-off sees it. */
export interface TabSale {
  amount: bigint;
  performerShare: bigint;
}

export interface WriteOffPlan {
  /** Taken back from the performer's earnings (zero when the platform bears it). */
  performerShare: bigint;
  /** Taken back from the platform's revenue (zero when the platform bears it). */
  platformShare: bigint;
  /** Charged to bad debt (the whole amount when the platform bears it). */
  badDebt: bigint;
}

/**
 * Who loses what when an unpaid amount is written off. The platform bearing it: all of it is bad debt, the
 * performer keeps every share. The performer bearing it: the unpaid sales are undone, newest first (captures paid
 * the oldest), the performer's share and the platform's commission of each coming back; a sale only partly unpaid
 * gives back its performer share in proportion, rounded down (the rest of that sale's unpaid part is commission).
 */
export function planWriteOff(salesNewestFirst: readonly TabSale[], unpaid: bigint, bearer: "PLATFORM" | "PERFORMER"): WriteOffPlan {
  if (unpaid < 0n) throw new RangeError("an unpaid amount is never negative");
  if (bearer === "PLATFORM") return { performerShare: 0n, platformShare: 0n, badDebt: unpaid };
  let left = unpaid;
  let performerShare = 0n;
  for (const sale of salesNewestFirst) {
    if (left === 0n) break;
    const taken = left < sale.amount ? left : sale.amount;
    performerShare += taken === sale.amount ? sale.performerShare : mulDivFloor(sale.performerShare, taken, sale.amount);
    left -= taken;
  }
  if (left > 0n) throw new Error(`the tab's sales cover ${unpaid - left} of the ${unpaid} credits written off`);
  return { performerShare, platformShare: unpaid - performerShare, badDebt: 0n };
}
