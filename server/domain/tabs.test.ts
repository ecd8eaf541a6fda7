import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  TAB_STATUSES,
  type TabStatus,
  canMoveTab,
  isTabLive,
  isTabOwed,
  planWriteOff,
  settleByFor,
  splitThresholdFor,
  tabActionDue,
  tabLimitCredits,
  tabProgress,
} from "./tabs";

const BOUNDS = { minLimitMinor: 2_000n, maxLimitMinor: 50_000n, currency: "usd", creditPriceMinor: 10n };

describe("the tab state machine", () => {
  const allowed: [TabStatus, TabStatus][] = [
    ["OPENING", "OPEN"],
    ["OPENING", "CANCELED"],
    ["OPEN", "SETTLING"],
    ["OPEN", "PAYMENT_DUE"],
    ["SETTLING", "CLOSED"],
    ["SETTLING", "PAYMENT_DUE"],
    ["PAYMENT_DUE", "CLOSED"],
    ["PAYMENT_DUE", "WRITTEN_OFF"],
    ["WRITTEN_OFF", "CLOSED"],
  ];
  it.each(TAB_STATUSES.flatMap((from) => TAB_STATUSES.map((to) => [from, to] as const)))("%s to %s", (from, to) => {
    expect(canMoveTab(from, to)).toBe(allowed.some(([a, b]) => a === from && b === to));
  });

  it.each([
    ["OPENING", true, false],
    ["OPEN", true, false],
    ["SETTLING", true, false],
    ["PAYMENT_DUE", true, true],
    ["WRITTEN_OFF", true, true],
    ["CLOSED", false, false],
    ["CANCELED", false, false],
  ] as const)("%s: live %s, owed %s", (status, live, owed) => {
    expect(isTabLive(status)).toBe(live);
    expect(isTabOwed(status)).toBe(owed);
  });
});

describe("tabLimitCredits", () => {
  it.each([
    [2_000n, 200n],
    [2_010n, 201n],
    [50_000n, 5_000n],
  ])("%s cents buys %s credits at 10 cents", (limit, credits) => {
    expect(tabLimitCredits(limit, BOUNDS)).toBe(credits);
  });

  it.each([
    [1_999n, "between $20.00 and $500.00"],
    [50_001n, "between $20.00 and $500.00"],
    [2_005n, "whole number of credits at $0.10 each"],
  ])("refuses %s cents", (limit, message) => {
    expect(() => tabLimitCredits(limit, BOUNDS)).toThrow(DomainError);
    expect(() => tabLimitCredits(limit, BOUNDS)).toThrow(message);
  });
});

describe("tabProgress", () => {
  const base = { limitCredits: 200n, releasedCredits: 0n, walletCredits: 200n, heldCredits: 0n, capturedCredits: 0n, capturingCredits: 0n };
  it.each([
    ["fresh", base, { accrued: 0n, uncaptured: 0n, left: 200n }],
    ["tips spent", { ...base, walletCredits: 155n }, { accrued: 45n, uncaptured: 45n, left: 155n }],
    ["a show holds credits not yet charged", { ...base, walletCredits: 95n, heldCredits: 60n }, { accrued: 45n, uncaptured: 45n, left: 155n }],
    ["a split captured", { ...base, walletCredits: 130n, capturedCredits: 55n }, { accrued: 70n, uncaptured: 15n, left: 130n }],
    ["a capture under way", { ...base, walletCredits: 130n, capturingCredits: 70n }, { accrued: 70n, uncaptured: 0n, left: 130n }],
    ["closed: the rest released", { ...base, walletCredits: 0n, releasedCredits: 130n, capturedCredits: 70n }, { accrued: 70n, uncaptured: 0n, left: 0n }],
  ])("%s", (_name, position, progress) => {
    expect(tabProgress(position)).toEqual(progress);
  });

  it("refuses a ledger that spent more than the limit", () => {
    expect(() => tabProgress({ ...base, walletCredits: 250n })).toThrow("disagree");
  });
});

describe("tabActionDue: split thresholds, the limit and the hold's end", () => {
  const now = new Date("2026-12-06T12:00:00Z");
  const later = new Date("2026-12-08T12:00:00Z");
  it.each([
    ["nothing to do", { accrued: 10n, uncaptured: 10n, left: 190n }, 50n, later, "none"],
    ["no split threshold", { accrued: 150n, uncaptured: 150n, left: 50n }, null, later, "none"],
    ["just below the threshold", { accrued: 49n, uncaptured: 49n, left: 151n }, 50n, later, "none"],
    ["at the threshold", { accrued: 50n, uncaptured: 50n, left: 150n }, 50n, later, "split"],
    ["above it after a split", { accrued: 120n, uncaptured: 65n, left: 80n }, 50n, later, "split"],
    ["the limit reached", { accrued: 200n, uncaptured: 200n, left: 0n }, 50n, later, "close"],
    ["the hold about to lapse", { accrued: 10n, uncaptured: 10n, left: 190n }, null, now, "close"],
  ] as const)("%s", (_name, progress, splitThreshold, settleBy, action) => {
    expect(tabActionDue({ progress, splitThreshold, settleBy, now })).toBe(action);
  });
});

describe("splitThresholdFor", () => {
  it.each([
    [100n, 50n, true, 100n],
    [100n, 50n, false, 50n],
    [null, 50n, true, 50n],
    [null, null, true, null],
    [100n, null, false, null],
  ] as const)("room %s, site %s, performers may set %s: %s", (roomThreshold, siteDefault, performersMaySet, expected) => {
    expect(splitThresholdFor({ roomThreshold, siteDefault, performersMaySet })).toBe(expected);
  });
});

describe("settleByFor", () => {
  it("settles a number of hours after the authorisation", () => {
    expect(settleByFor(new Date("2026-12-01T00:00:00Z"), 120).toISOString()).toBe("2026-12-06T00:00:00.000Z");
  });
});

describe("planWriteOff: who bears an unpaid amount", () => {
  const sales = [
    { amount: 30n, performerShare: 24n },
    { amount: 20n, performerShare: 18n },
    { amount: 100n, performerShare: 80n },
  ];
  it.each([
    ["the platform bears all of it as bad debt", sales, 40n, "PLATFORM", { performerShare: 0n, platformShare: 0n, badDebt: 40n }],
    ["the performer: the newest sale undone whole", sales, 30n, "PERFORMER", { performerShare: 24n, platformShare: 6n, badDebt: 0n }],
    ["the performer: two sales whole", sales, 50n, "PERFORMER", { performerShare: 42n, platformShare: 8n, badDebt: 0n }],
    ["the performer: part of an older sale, its share pro rata rounded down", sales, 57n, "PERFORMER", { performerShare: 47n, platformShare: 10n, badDebt: 0n }],
    ["nothing unpaid", sales, 0n, "PERFORMER", { performerShare: 0n, platformShare: 0n, badDebt: 0n }],
  ] as const)("%s", (_name, newestFirst, unpaid, bearer, plan) => {
    expect(planWriteOff(newestFirst, unpaid, bearer)).toEqual(plan);
  });

  it("refuses an unpaid amount its sales do not cover", () => {
    expect(() => planWriteOff(sales, 151n, "PERFORMER")).toThrow("cover");
  });
});
