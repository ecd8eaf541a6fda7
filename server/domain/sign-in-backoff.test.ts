import { describe, expect, it } from "vitest";
import { SIGN_IN_BACKOFF, decideAttempt, delayAfterFailures, rememberedFailures } from "@/server/domain/sign-in-backoff";

const T0 = new Date("2026-03-01T10:00:00.000Z");
const after = (ms: number) => new Date(T0.getTime() + ms);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe("delayAfterFailures", () => {
  it.each<[number, number]>([
    [0, 0],
    [4, 0],
    [5, 30 * SECOND],
    [6, MINUTE],
    [7, 2 * MINUTE],
    [10, 16 * MINUTE],
    [12, HOUR],
    [13, HOUR],
    [500, HOUR],
  ])("after %i failures waits %i ms", (failures, delay) => {
    expect(delayAfterFailures(failures)).toBe(delay);
  });
});

describe("rememberedFailures", () => {
  it.each<[string, number, number, number]>([
    ["just now", 7, 0, 7],
    ["almost a day ago", 7, 24 * HOUR - 1, 7],
    ["a day ago", 7, 24 * HOUR, 0],
    ["a negative count from a double refund", -1, 0, 0],
  ])("%s", (_, failures, elapsed, remembered) => {
    expect(rememberedFailures({ failures, lastFailureAt: T0 }, after(elapsed))).toBe(remembered);
  });
});

describe("decideAttempt", () => {
  it.each<[string, number, number, ReturnType<typeof decideAttempt>]>([
    ["a first attempt", 0, 0, { allowed: true, failures: 1 }],
    ["the last free one, at once", 4, 0, { allowed: true, failures: 5 }],
    ["the sixth, at once", 5, 0, { allowed: false, retryAfterSeconds: 30 }],
    ["the sixth, 29.5 s later", 5, 29.5 * SECOND, { allowed: false, retryAfterSeconds: 1 }],
    ["the sixth, 30 s later", 5, 30 * SECOND, { allowed: true, failures: 6 }],
    ["the seventh, 59 s after the sixth", 6, 59 * SECOND, { allowed: false, retryAfterSeconds: 1 }],
    ["after 10 failures, a minute later", 10, MINUTE, { allowed: false, retryAfterSeconds: 15 * 60 }],
    ["after 40 failures, at the cap", 40, 0, { allowed: false, retryAfterSeconds: 60 * 60 }],
    ["after 40 failures, a day later: forgotten", 40, 24 * HOUR, { allowed: true, failures: 1 }],
  ])("%s", (_, failures, elapsed, expected) => {
    expect(decideAttempt({ failures, lastFailureAt: T0 }, after(elapsed))).toEqual(expected);
  });

  it("lets an attacker check about one password an hour once the cap is reached", () => {
    let state = { failures: 0, lastFailureAt: T0 };
    let now = T0;
    let checked = 0;
    while (now.getTime() < T0.getTime() + 24 * HOUR - MINUTE) {
      const decision = decideAttempt(state, now);
      if (decision.allowed) {
        checked += 1;
        state = { failures: decision.failures, lastFailureAt: now };
      }
      now = after(now.getTime() - T0.getTime() + MINUTE);
    }
    expect(checked).toBeLessThan(SIGN_IN_BACKOFF.freeFailures + 7 + 24);
  });
});
