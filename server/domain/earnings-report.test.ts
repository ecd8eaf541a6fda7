import { describe, expect, it } from "vitest";
import { addBuckets, bucketStart, chartScale, fillBuckets, periodRange, roundAxisLimit } from "./earnings-report";

const utc = (text: string) => new Date(text);

describe("bucketStart", () => {
  it.each([
    ["2026-11-25T17:45:00Z", "day", "2026-11-25T00:00:00.000Z"],
    ["2026-11-25T00:00:00Z", "day", "2026-11-25T00:00:00.000Z"],
    // Wednesday -> Monday; Monday stays; Sunday belongs to the week that began six days earlier.
    ["2026-11-25T17:45:00Z", "week", "2026-11-23T00:00:00.000Z"],
    ["2026-11-23T00:00:00Z", "week", "2026-11-23T00:00:00.000Z"],
    ["2026-11-29T23:59:59Z", "week", "2026-11-23T00:00:00.000Z"],
    // A week across a month and a year boundary.
    ["2027-01-01T08:00:00Z", "week", "2026-12-28T00:00:00.000Z"],
    ["2026-11-30T23:59:59Z", "month", "2026-11-01T00:00:00.000Z"],
    ["2026-12-01T00:00:00Z", "month", "2026-12-01T00:00:00.000Z"],
  ] as const)("%s by %s starts at %s", (at, granularity, expected) => {
    expect(bucketStart(utc(at), granularity).toISOString()).toBe(expected);
  });
});

describe("addBuckets", () => {
  it.each([
    ["2026-11-25T00:00:00Z", "day", 1, "2026-11-26T00:00:00.000Z"],
    ["2026-11-01T00:00:00Z", "day", -1, "2026-10-31T00:00:00.000Z"],
    ["2026-11-23T00:00:00Z", "week", 2, "2026-12-07T00:00:00.000Z"],
    ["2026-01-01T00:00:00Z", "month", -1, "2025-12-01T00:00:00.000Z"],
    ["2026-11-01T00:00:00Z", "month", 3, "2027-02-01T00:00:00.000Z"],
  ] as const)("%s %s %i = %s", (start, granularity, count, expected) => {
    expect(addBuckets(utc(start), granularity, count).toISOString()).toBe(expected);
  });
});

describe("periodRange", () => {
  it.each([
    ["day", 30, "2026-10-27T00:00:00.000Z", "2026-11-26T00:00:00.000Z"],
    ["week", 12, "2026-09-07T00:00:00.000Z", "2026-11-30T00:00:00.000Z"],
    ["month", 12, "2025-12-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"],
  ] as const)("by %s: %i buckets from %s to %s", (granularity, count, from, to) => {
    const range = periodRange(granularity, utc("2026-11-25T17:45:00Z"));
    expect(range.starts).toHaveLength(count);
    expect(range.from.toISOString()).toBe(from);
    expect(range.to.toISOString()).toBe(to);
    expect(range.starts[0]).toEqual(range.from);
    expect(addBuckets(range.starts.at(-1) as Date, granularity, 1)).toEqual(range.to);
  });
});

describe("fillBuckets", () => {
  const range = periodRange("day", utc("2026-11-25T12:00:00Z"));
  it.each([
    ["no totals", [], {}],
    ["one day", [{ start: utc("2026-11-25T00:00:00Z"), amount: 80n }], { "2026-11-25": 80n }],
    ["a net refund", [{ start: utc("2026-11-20T00:00:00Z"), amount: -15n }], { "2026-11-20": -15n }],
    [
      "two rows for one bucket add up",
      [
        { start: utc("2026-11-24T00:00:00Z"), amount: 5n },
        { start: utc("2026-11-24T00:00:00Z"), amount: 7n },
      ],
      { "2026-11-24": 12n },
    ],
    ["a total outside the range is dropped", [{ start: utc("2026-10-01T00:00:00Z"), amount: 9n }], {}],
  ])("%s", (_case, totals, expected: Record<string, bigint>) => {
    const filled = fillBuckets(range, totals);
    expect(filled.map((bucket) => bucket.start)).toEqual(range.starts);
    const nonZero = Object.fromEntries(filled.filter((b) => b.amount !== 0n).map((b) => [b.start.toISOString().slice(0, 10), b.amount]));
    expect(nonZero).toEqual(expected);
  });
});

describe("roundAxisLimit", () => {
  it.each([
    [0n, 0n],
    [-5n, 0n],
    [1n, 1n],
    [3n, 5n],
    [10n, 10n],
    [11n, 20n],
    [21n, 50n],
    [51n, 100n],
    [1_234n, 2_000n],
    [9_007_199_254_740_993n, 10_000_000_000_000_000n],
  ])("%s -> %s", (largest, expected) => {
    expect(roundAxisLimit(largest)).toBe(expected);
  });
});

describe("chartScale", () => {
  it.each([
    ["nothing earned", [], { top: 10n, bottom: 0n }],
    ["all zero", [0n, 0n], { top: 10n, bottom: 0n }],
    ["small amounts", [3n, 7n], { top: 10n, bottom: 0n }],
    ["sales", [80n, 120n, 0n], { top: 200n, bottom: 0n }],
    ["a bucket of net refunds", [80n, -30n], { top: 100n, bottom: -50n }],
  ])("%s", (_case, values, expected) => {
    expect(chartScale(values)).toEqual(expected);
  });
});
