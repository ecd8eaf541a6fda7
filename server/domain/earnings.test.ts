import { describe, expect, it } from "vitest";
import { holdDaysFor, maturesAt, planEarningsClawback } from "./earnings";

describe("holdDaysFor", () => {
  const policy = { defaultDays: 7, byKind: { TIP: 3, STORE: 0 } };
  it.each([
    ["TIP", 3],
    ["STORE", 0],
    ["CONTENT", 7],
    ["PRIVATE_SHOW", 7],
  ] as const)("%s holds %i days", (kind, expected) => {
    expect(holdDaysFor(policy, kind)).toBe(expected);
  });
});

describe("maturesAt", () => {
  it.each([
    ["2026-01-01T00:00:00Z", 7, "2026-01-08T00:00:00.000Z"],
    ["2026-01-31T23:59:59Z", 1, "2026-02-01T23:59:59.000Z"],
    ["2026-03-01T12:00:00Z", 0, "2026-03-01T12:00:00.000Z"],
  ])("%s + %i days = %s", (soldAt, days, expected) => {
    expect(maturesAt(new Date(soldAt), days).toISOString()).toBe(expected);
  });
});

describe("planEarningsClawback", () => {
  const lots = [
    { id: 1n, remaining: 50n },
    { id: 2n, remaining: 0n },
    { id: 3n, remaining: 30n },
  ];
  it.each([
    { amount: 0n, fromLots: [], fromPending: 0n, fromAvailable: 0n },
    { amount: 20n, fromLots: [{ id: 1n, amount: 20n }], fromPending: 20n, fromAvailable: 0n },
    { amount: 50n, fromLots: [{ id: 1n, amount: 50n }], fromPending: 50n, fromAvailable: 0n },
    { amount: 60n, fromLots: [{ id: 1n, amount: 50n }, { id: 3n, amount: 10n }], fromPending: 60n, fromAvailable: 0n },
    { amount: 100n, fromLots: [{ id: 1n, amount: 50n }, { id: 3n, amount: 30n }], fromPending: 80n, fromAvailable: 20n },
  ])("takes $amount: $fromPending from pending, $fromAvailable from available", ({ amount, ...expected }) => {
    expect(planEarningsClawback(lots, amount)).toEqual(expected);
  });

  it("takes everything from available when nothing is pending", () => {
    expect(planEarningsClawback([], 25n)).toEqual({ fromLots: [], fromPending: 0n, fromAvailable: 25n });
  });

  it("refuses a negative amount", () => {
    expect(() => planEarningsClawback(lots, -1n)).toThrow(/negative/);
  });
});
