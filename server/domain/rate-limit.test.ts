import { describe, expect, it } from "vitest";
import { isOverLimit, secondsUntilWindowEnds, windowStartFor } from "./rate-limit";

const FIFTEEN_MINUTES = 15 * 60 * 1000;

describe("windowStartFor", () => {
  it.each([
    ["at a boundary", "2026-03-01T10:15:00.000Z", "2026-03-01T10:15:00.000Z"],
    ["just after a boundary", "2026-03-01T10:15:00.001Z", "2026-03-01T10:15:00.000Z"],
    ["just before the next", "2026-03-01T10:29:59.999Z", "2026-03-01T10:15:00.000Z"],
    ["across midnight", "2026-03-02T00:07:30.000Z", "2026-03-02T00:00:00.000Z"],
  ])("%s", (_, now, expected) => {
    expect(windowStartFor(new Date(now), FIFTEEN_MINUTES).toISOString()).toBe(expected);
  });

  it("puts every instant of a window in the same window", () => {
    const start = windowStartFor(new Date("2026-03-01T10:20:00Z"), FIFTEEN_MINUTES).getTime();
    for (const offset of [0, 1, 60_000, FIFTEEN_MINUTES - 1]) {
      expect(windowStartFor(new Date(start + offset), FIFTEEN_MINUTES).getTime()).toBe(start);
    }
    expect(windowStartFor(new Date(start + FIFTEEN_MINUTES), FIFTEEN_MINUTES).getTime()).toBe(start + FIFTEEN_MINUTES);
  });

  it("handles instants before 1970", () => {
    expect(windowStartFor(new Date(-1), 1000).getTime()).toBe(-1000);
  });

  it.each([0, -5, 1.5])("rejects a window of %s ms", (windowMs) => {
    expect(() => windowStartFor(new Date(), windowMs)).toThrow(RangeError);
  });
});

describe("secondsUntilWindowEnds", () => {
  const start = new Date("2026-03-01T10:15:00.000Z");
  it.each([
    ["at the start", 0, 900],
    ["after ten minutes", 10 * 60 * 1000, 300],
    ["with a fraction left", FIFTEEN_MINUTES - 1500, 2],
    ["in the last millisecond", FIFTEEN_MINUTES - 1, 1],
    ["after the end (never below 1)", FIFTEEN_MINUTES + 5000, 1],
  ])("%s", (_, elapsedMs, expected) => {
    expect(secondsUntilWindowEnds(start, FIFTEEN_MINUTES, new Date(start.getTime() + elapsedMs))).toBe(expected);
  });
});

describe("isOverLimit", () => {
  it.each([
    [1, false],
    [5, false],
    [6, true],
    [50, true],
  ])("hit %i of a limit of 5 → over: %s", (hits, over) => {
    expect(isOverLimit(hits, { limit: 5, windowMs: FIFTEEN_MINUTES })).toBe(over);
  });
});
