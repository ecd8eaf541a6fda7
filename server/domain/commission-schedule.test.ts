import { describe, expect, it } from "vitest";
import { effectiveRate, type ScheduledRate } from "./commission-schedule";

const day = (n: number) => new Date(Date.UTC(2026, 0, n));
const rate = (performerId: string | null, bps: number, from: Date, kind: ScheduledRate["kind"] = "TIP"): ScheduledRate => ({
  kind,
  performerId,
  performerShareBps: bps,
  effectiveFrom: from,
});

const schedule: ScheduledRate[] = [
  rate(null, 8000, day(1)),
  rate(null, 7500, day(10)),
  rate("p1", 9000, day(5)),
  rate("p1", 8500, day(20)),
  rate(null, 6000, day(1), "PRIVATE_SHOW"),
  rate("p2", 9500, day(15)),
];

describe("effectiveRate", () => {
  it.each([
    // what is asked, performer, at, expected bps (null: no rate in effect)
    ["default before any override", "p3", day(2), 8000],
    ["later default replaces the earlier one", "p3", day(10), 7500],
    ["override beats the default", "p1", day(6), 9000],
    ["override beats a newer default", "p1", day(12), 9000],
    ["latest override in effect", "p1", day(25), 8500],
    ["default before the override starts", "p1", day(3), 8000],
    ["override starting exactly at `at` applies", "p2", day(15), 9500],
    ["default the instant before an override", "p2", new Date(day(15).getTime() - 1), 7500],
    ["nothing before the first default", "p3", new Date(day(1).getTime() - 1), null],
  ])("%s", (_case, performerId, at, expected) => {
    expect(effectiveRate(schedule, "TIP", performerId, at)?.performerShareBps ?? null).toBe(expected);
  });

  it("keeps kinds apart", () => {
    expect(effectiveRate(schedule, "PRIVATE_SHOW", "p1", day(25))?.performerShareBps).toBe(6000);
    expect(effectiveRate(schedule, "STORE", "p1", day(25))).toBeNull();
  });

  it("takes the row listed last when two start at the same instant", () => {
    const tied = [rate(null, 8000, day(1)), rate(null, 8200, day(1))];
    expect(effectiveRate(tied, "TIP", "p1", day(2))?.performerShareBps).toBe(8200);
  });

  it("ignores the order rows are listed in otherwise", () => {
    expect(effectiveRate([...schedule].reverse(), "TIP", "p1", day(25))?.performerShareBps).toBe(8500);
  });
});
