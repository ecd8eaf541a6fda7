import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chargedSeconds,
  MAX_METERED_SECONDS,
  HOLD_AHEAD_SECONDS,
  type MeterTerms,
  affordableSeconds,
  chargeFor,
  formatMeterDuration,
  holdTarget,
  isLowBalance,
  planSettlement,
  secondsLeft,
  shouldSettle,
  showBillingText,
  startHold,
} from "./metering";

const terms = (price: bigint, freeSeconds: number, minimumMinutes: number, incrementSeconds: number): MeterTerms => ({
  pricePerMinute: price,
  freeSeconds,
  minimumMinutes,
  incrementSeconds,
});

/** The admin defaults: 60 a minute, no free time, a one-minute minimum, 30-second increments. */
const standard = terms(60n, 0, 1, 30);

describe("chargedSeconds: the time a meter is charged for", () => {
  it.each([
    [0, standard, 0],
    [2, standard, 60],
    [60, standard, 60],
    [61, standard, 90],
    [90, standard, 90],
    [91, standard, 120],
    [20, terms(60n, 30, 1, 30), 0],
    [31, terms(60n, 30, 1, 30), 60],
    [7, terms(60n, 0, 0, 10), 10],
  ])("%s metered seconds: charged for %s", (seconds, meterTerms, charged) => {
    expect(chargedSeconds(seconds, meterTerms)).toBe(charged);
  });

  it("prices exactly what chargeFor charges", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (seconds) => {
        expect(chargeFor(chargedSeconds(seconds, standard), standard)).toBe(chargeFor(seconds, standard));
      }),
    );
  });
});

describe("chargeFor", () => {
  it.each([
    // terms, metered seconds, total charge
    ["standard", standard, 0, 0n],
    ["standard: the first second owes the minimum", standard, 1, 60n],
    ["standard: the minimum covers the first minute", standard, 60, 60n],
    ["standard: one second into the first increment", standard, 61, 90n],
    ["standard: the first increment's last second", standard, 90, 90n],
    ["standard: the second increment starts", standard, 91, 120n],
    ["standard: ten minutes", standard, 600, 600n],
    ["free 30 s: still free", terms(60n, 30, 1, 30), 30, 0n],
    ["free 30 s: billing starts", terms(60n, 30, 1, 30), 31, 60n],
    ["free 30 s: minimum ends", terms(60n, 30, 1, 30), 90, 60n],
    ["free 30 s: first increment", terms(60n, 30, 1, 30), 91, 90n],
    ["no minimum: a half-price increment rounds down", terms(25n, 0, 0, 30), 1, 12n],
    ["no minimum: first increment's end", terms(25n, 0, 0, 30), 30, 12n],
    ["no minimum: cumulative rounding, not per increment", terms(25n, 0, 0, 30), 31, 25n],
    ["no minimum: three increments", terms(25n, 0, 0, 30), 61, 37n],
    ["two-minute minimum, 45 s increments", terms(7n, 0, 2, 45), 120, 14n],
    ["two-minute minimum, first 45 s increment", terms(7n, 0, 2, 45), 121, 19n],
    ["two-minute minimum, 45 s increment's end", terms(7n, 0, 2, 45), 165, 19n],
    ["two-minute minimum, second 45 s increment", terms(7n, 0, 2, 45), 166, 24n],
    ["per-second increments", terms(60n, 0, 1, 1), 61, 61n],
    ["1 a minute, increments worth half a credit", terms(1n, 0, 0, 30), 30, 0n],
    ["1 a minute, the second increment", terms(1n, 0, 0, 30), 31, 1n],
    ["1 a minute, the third increment", terms(1n, 0, 0, 30), 61, 1n],
    ["1 a minute, the fourth increment", terms(1n, 0, 0, 30), 91, 2n],
    ["a long show", standard, 86_400, 86_400n],
  ])("%s: %i s", (_label, meter, seconds, expected) => {
    expect(chargeFor(seconds, meter)).toBe(expected);
  });

  it.each([
    ["a negative time", standard, -1],
    ["a fractional time", standard, 1.5],
    ["a zero price", terms(0n, 0, 1, 30), 10],
    ["a zero increment", terms(60n, 0, 1, 0), 10],
    ["negative free seconds", terms(60n, -1, 1, 30), 10],
  ])("refuses %s", (_label, meter, seconds) => {
    expect(() => chargeFor(seconds, meter)).toThrow();
  });

  const anyTerms = fc.record({
    pricePerMinute: fc.bigInt({ min: 1n, max: 1_000n }),
    freeSeconds: fc.integer({ min: 0, max: 600 }),
    minimumMinutes: fc.integer({ min: 0, max: 10 }),
    incrementSeconds: fc.integer({ min: 1, max: 600 }),
  });

  it("never decreases and changes only when an increment starts", () => {
    fc.assert(
      fc.property(anyTerms, fc.integer({ min: 0, max: 20_000 }), (meter, seconds) => {
        const now = chargeFor(seconds, meter);
        const next = chargeFor(seconds + 1, meter);
        expect(next).toBeGreaterThanOrEqual(now);
        const billableNext = seconds + 1 - meter.freeSeconds;
        const beyond = billableNext - meter.minimumMinutes * 60;
        const incrementStarts = billableNext === 1 || (beyond > 0 && (beyond - 1) % meter.incrementSeconds === 0);
        if (!incrementStarts) expect(next).toBe(now);
      }),
    );
  });

  it("charges the per-minute price for whole minutes past the minimum, to the credit", () => {
    fc.assert(
      fc.property(anyTerms, fc.integer({ min: 0, max: 300 }), (meter, minutes) => {
        const lcm = (a: number, b: number): number => (a * b) / gcd(a, b);
        const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
        const span = lcm(60, meter.incrementSeconds);
        const seconds = meter.freeSeconds + meter.minimumMinutes * 60 + minutes * span;
        const expected = meter.pricePerMinute * BigInt(meter.minimumMinutes) + (meter.pricePerMinute * BigInt(minutes * span)) / 60n;
        expect(chargeFor(seconds, meter)).toBe(expected);
      }),
    );
  });
});

describe("affordableSeconds", () => {
  it.each([
    ["less than the minimum buys only the free time", standard, 59n, 0],
    ["less than the minimum, with free time", terms(60n, 45, 1, 30), 59n, 45],
    ["exactly the minimum", standard, 60n, 60],
    ["not quite an increment more", standard, 89n, 60],
    ["exactly one increment more", standard, 90n, 90],
    ["two increments more", standard, 120n, 120],
    ["no minimum, half-credit increments", terms(1n, 0, 0, 30), 1n, 90],
    ["no minimum and nothing", terms(25n, 0, 0, 30), 0n, 0],
    ["a huge budget is capped at the column's range", terms(1n, 0, 0, 1), 10n ** 15n, MAX_METERED_SECONDS],
  ])("%s", (_label, meter, budget, expected) => {
    expect(affordableSeconds(budget, meter)).toBe(expected);
  });

  it("is the largest metered time the budget pays for", () => {
    fc.assert(
      fc.property(
        fc.record({
          pricePerMinute: fc.bigInt({ min: 1n, max: 500n }),
          freeSeconds: fc.integer({ min: 0, max: 120 }),
          minimumMinutes: fc.integer({ min: 0, max: 5 }),
          incrementSeconds: fc.integer({ min: 1, max: 120 }),
        }),
        fc.bigInt({ min: 0n, max: 20_000n }),
        (meter, budget) => {
          const seconds = affordableSeconds(budget, meter);
          expect(chargeFor(seconds, meter)).toBeLessThanOrEqual(budget);
          expect(chargeFor(seconds + 1, meter)).toBeGreaterThan(budget);
        },
      ),
    );
  });
});

describe("startHold", () => {
  it.each([
    ["the minimum charge", standard, 60n],
    ["the minimum charge after free time", terms(60n, 120, 2, 30), 120n],
    ["one increment without a minimum", terms(25n, 0, 0, 30), 12n],
    ["one increment longer than the minimum period", terms(60n, 0, 1, 90), 60n],
    ["nothing when the first increment rounds to zero", terms(1n, 0, 0, 30), 0n],
  ])("%s", (_label, meter, expected) => {
    expect(startHold(meter)).toBe(expected);
  });
});

describe("low balance and settlement thresholds", () => {
  it.each([
    [180n, 0, 180],
    [180n, 61, 119],
    [180n, 200, 0],
  ])("budget %s after %i s leaves %i s", (budget, metered, expected) => {
    expect(secondsLeft(budget, metered, standard)).toBe(expected);
  });

  it.each([
    [121, false],
    [120, true],
    [0, true],
  ])("%i seconds left is low: %s", (seconds, expected) => {
    expect(isLowBalance(seconds)).toBe(expected);
  });

  it.each([
    [99n, 100n, false],
    [100n, 100n, true],
    [0n, 1n, false],
    [250n, 100n, true],
  ])("unposted %s against threshold %s settles: %s", (unposted, threshold, expected) => {
    expect(shouldSettle(unposted, threshold)).toBe(expected);
  });
});

describe("holdTarget", () => {
  it.each([
    // label, terms, metered seconds, settled, held after the settlement
    ["at the start: the minimum charge covers the next minute", standard, 0, 0n, 60n],
    ["the minute ahead of 61 s: up to 121 s, five started increments past the minimum", standard, 61, 0n, 150n],
    ["less what is already posted", standard, 100, 120n, 60n],
    ["posted ahead of the meter: nothing to hold", standard, 10, 120n, 0n],
    ["free time ahead: only what falls due within the minute", terms(60n, 120, 1, 30), 0, 0n, 0n],
    ["free time ending within the minute: the minimum charge", terms(60n, 30, 1, 30), 0, 0n, 60n],
    ["an increment longer than a minute: one increment ahead", terms(60n, 0, 0, 90), 0, 0n, 90n],
    ["per-second increments: a minute's worth", terms(60n, 0, 0, 1), 30, 30n, 60n],
    ["at the end of the metered range", standard, MAX_METERED_SECONDS, 0n, chargeFor(MAX_METERED_SECONDS, standard)],
  ])("%s", (_label, meter, meteredSeconds, settled, expected) => {
    expect(holdTarget(meteredSeconds, settled, meter)).toBe(expected);
  });

  it("looks a minute ahead", () => {
    expect(HOLD_AHEAD_SECONDS).toBe(60);
  });
});

describe("planSettlement", () => {
  const base = { terms: standard, threshold: 100n, running: true, ending: false };

  it.each([
    [
      "below the threshold: nothing posted yet",
      { meteredSeconds: 61, settled: 0n, held: 60n, available: 1_000n },
      base,
      { billedSeconds: 61, unposted: 90n, charge: 0n, fromHeld: 0n, fromAvailable: 0n, release: 0n, ends: false },
    ],
    [
      "the threshold reached: held first, then available",
      { meteredSeconds: 100, settled: 0n, held: 60n, available: 1_000n },
      base,
      { billedSeconds: 100, unposted: 120n, charge: 120n, fromHeld: 60n, fromAvailable: 60n, release: 0n, ends: false },
    ],
    [
      "only what is not posted yet",
      { meteredSeconds: 200, settled: 120n, held: 0n, available: 1_000n },
      base,
      { unposted: 90n, charge: 0n },
    ],
    [
      "ending collects below the threshold",
      { meteredSeconds: 61, settled: 0n, held: 60n, available: 1_000n },
      { ...base, ending: true },
      { charge: 90n, fromHeld: 60n, fromAvailable: 30n, release: 0n, ends: true },
    ],
    [
      "ending in the free time returns the whole hold",
      { meteredSeconds: 30, settled: 0n, held: 60n, available: 0n },
      { ...base, terms: terms(60n, 60, 1, 30), ending: true },
      { charge: 0n, release: 60n, ends: true },
    ],
    [
      "ending after the hold was used returns nothing",
      { meteredSeconds: 200, settled: 120n, held: 0n, available: 500n },
      { ...base, ending: true },
      { charge: 90n, fromHeld: 0n, fromAvailable: 90n, release: 0n },
    ],
    [
      "funds run out: the meter ends at what the credits pay for",
      { meteredSeconds: 95, settled: 0n, held: 60n, available: 30n },
      base,
      { billedSeconds: 90, charge: 90n, fromHeld: 60n, fromAvailable: 30n, fundsExhausted: true, ends: true, secondsLeft: 0 },
    ],
    [
      "funds run out exactly at an increment's end",
      { meteredSeconds: 90, settled: 0n, held: 60n, available: 30n },
      base,
      { billedSeconds: 90, charge: 90n, fundsExhausted: true },
    ],
    [
      "a paused meter past its funds does not end by itself",
      { meteredSeconds: 95, settled: 0n, held: 60n, available: 30n },
      { ...base, running: false },
      { billedSeconds: 90, unposted: 90n, charge: 0n, fundsExhausted: false, ends: false },
    ],
    [
      "already paid ahead of the meter (an offline cut): nothing owed",
      { meteredSeconds: 61, settled: 120n, held: 0n, available: 100n },
      base,
      { unposted: 0n, charge: 0n },
    ],
    [
      "spent elsewhere mid-show: only whole increments the credits still cover are charged",
      { meteredSeconds: 300, settled: 120n, held: 0n, available: 10n },
      { ...base, ending: true },
      { billedSeconds: 120, unposted: 0n, charge: 0n, ends: true },
    ],
    [
      "a running meter has its hold topped up to the minute ahead",
      { meteredSeconds: 61, settled: 0n, held: 60n, available: 1_000n },
      base,
      { charge: 0n, topUp: 90n },
    ],
    [
      "after a charge taken from the hold, the next period is held again",
      { meteredSeconds: 100, settled: 0n, held: 60n, available: 1_000n },
      base,
      { charge: 120n, fromHeld: 60n, fromAvailable: 60n, topUp: 60n },
    ],
    [
      "short of the full period: all that is left is held, and the meter runs on",
      { meteredSeconds: 61, settled: 0n, held: 60n, available: 50n },
      base,
      { charge: 0n, topUp: 50n, ends: false, secondsLeft: 29 },
    ],
    [
      "a hold already covering the period takes nothing more",
      { meteredSeconds: 0, settled: 0n, held: 60n, available: 1_000n },
      base,
      { topUp: 0n },
    ],
    [
      "an ending meter takes no more hold",
      { meteredSeconds: 61, settled: 0n, held: 60n, available: 1_000n },
      { ...base, ending: true },
      { topUp: 0n, release: 0n },
    ],
  ])("%s", (_label, state, options, expected) => {
    expect(planSettlement(state, options)).toMatchObject(expected);
  });

  it("never takes more than the member has, and returns all of an ended hold", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.bigInt({ min: 0n, max: 3_000n }),
        fc.bigInt({ min: 0n, max: 200n }),
        fc.bigInt({ min: 0n, max: 3_000n }),
        fc.boolean(),
        fc.boolean(),
        (meteredSeconds, settled, held, available, running, ending) => {
          const plan = planSettlement({ meteredSeconds, settled, held, available }, { ...base, running, ending });
          expect(plan.fromHeld).toBeLessThanOrEqual(held);
          expect(plan.fromAvailable).toBeLessThanOrEqual(available);
          expect(plan.fromHeld + plan.fromAvailable).toBe(plan.charge);
          expect(plan.charge).toBeGreaterThanOrEqual(0n);
          expect(plan.topUp).toBeGreaterThanOrEqual(0n);
          expect(plan.fromAvailable + plan.topUp).toBeLessThanOrEqual(available);
          if (plan.ends) expect(plan.fromHeld + plan.release).toBe(held);
          if (plan.ends) expect(plan.topUp).toBe(0n);
        },
      ),
    );
  });
});

describe("formatMeterDuration", () => {
  it.each([
    [0, "0:00"],
    [45, "0:45"],
    [725, "12:05"],
    [3723, "1:02:03"],
    [-3, "0:00"],
  ])("%i s reads %s", (seconds, expected) => {
    expect(formatMeterDuration(seconds)).toBe(expected);
  });
});

describe("showBillingText", () => {
  const base = { pricePerMinute: 90n, freeSeconds: 0, minimumMinutes: 1, incrementSeconds: 30 };
  it.each<[MeterTerms, string]>([
    [
      base,
      "When Luna accepts, 90 credits (the 1-minute minimum) move to Held in your wallet and are charged once the meter runs. After that, each started 30 s is charged at 90 credits a minute, and the next minute is kept in Held as the meter runs.",
    ],
    [
      { ...base, freeSeconds: 30, minimumMinutes: 2, pricePerMinute: 1_500n },
      "When Luna accepts, 3,000 credits (the 2-minute minimum) move to Held in your wallet and are charged once the meter runs past the free 0:30. After that, each started 30 s is charged at 1,500 credits a minute, and the next minute is kept in Held as the meter runs.",
    ],
    [
      { ...base, minimumMinutes: 0, freeSeconds: 60, incrementSeconds: 10 },
      "When Luna accepts, 15 credits (the first 10 s) move to Held in your wallet and are charged once the meter runs past the free 1:00. After that, each started 10 s is charged at 90 credits a minute, and the next minute is kept in Held as the meter runs.",
    ],
    [
      { pricePerMinute: 1n, freeSeconds: 0, minimumMinutes: 0, incrementSeconds: 10 },
      "When Luna accepts, the meter starts. Once it runs, each started 10 s is charged at 1 credits a minute, and the next minute is kept in Held as the meter runs.",
    ],
  ])("%#", (terms, expected) => {
    expect(showBillingText(terms, "When Luna accepts")).toBe(expected);
  });
});
