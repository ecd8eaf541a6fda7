import { describe, expect, it } from "vitest";
import { labelledTicks, longBucketLabel, shortBucketLabel } from "./bucket-labels";

describe("bucket labels", () => {
  it.each([
    ["2026-11-03T00:00:00Z", "day", "3 Nov", "Tue, 3 Nov 2026"],
    ["2026-11-02T00:00:00Z", "week", "2 Nov", "Week of Mon, 2 Nov 2026"],
    ["2026-11-01T00:00:00Z", "month", "Nov", "November 2026"],
    // Midnight UTC stays on its own date whatever the browser's time zone.
    ["2027-01-01T00:00:00Z", "day", "1 Jan", "Fri, 1 Jan 2027"],
  ] as const)("%s by %s: %s / %s", (start, granularity, short, long) => {
    expect(shortBucketLabel(new Date(start), granularity)).toBe(short);
    expect(longBucketLabel(new Date(start), granularity)).toBe(long);
  });
});

describe("labelledTicks", () => {
  it.each([
    [0, 6, []],
    [5, 6, [0, 1, 2, 3, 4]],
    [12, 6, [1, 3, 5, 7, 9, 11]],
    [30, 6, [4, 9, 14, 19, 24, 29]],
    [30, 1, [29]],
  ])("%i bars, at most %i labels: %j", (count, maxLabels, expected) => {
    expect([...labelledTicks(count, maxLabels)].sort((a, b) => a - b)).toEqual(expected);
  });
});
