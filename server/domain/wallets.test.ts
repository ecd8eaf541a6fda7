import { describe, expect, it } from "vitest";
import { isDomainError } from "./errors";
import { bonus, credits, dollars as seededDollars, earnings } from "./wallets.testing";
import {
  type WalletRules,
  WALLET_PURPOSES,
  assertMayTransfer,
  assertMayWithdraw,
  describeUses,
  formatRate,
  isQuoteFresh,
  mayPay,
  parseRate,
  purposeOfSale,
  quoteExchange,
  smallestExchangeAmount,
  storeShareLimit,
} from "./wallets";

// A dollar wallet whose list names tips and which says it is transferable: sales and transfers are in credits anyway.
const dollars: WalletRules = { ...seededDollars, paysFor: ["TIPS"], transferable: true };
const retired: WalletRules = { ...bonus, id: "old", name: "Old", active: false };

describe("which wallet may pay for what", () => {
  const table: [WalletRules, Record<(typeof WALLET_PURPOSES)[number], boolean>][] = [
    [credits, { TIPS: true, SHOWS: true, CONTENT: true, MEMBERSHIPS: true, STORE: true, PAYMENT_REQUESTS: true }],
    [earnings, { TIPS: false, SHOWS: false, CONTENT: false, MEMBERSHIPS: false, STORE: false, PAYMENT_REQUESTS: false }],
    [bonus, { TIPS: true, SHOWS: true, CONTENT: false, MEMBERSHIPS: false, STORE: true, PAYMENT_REQUESTS: false }],
    // Sales are priced in credits: a wallet in another currency pays for nothing, whatever its list says.
    [dollars, { TIPS: false, SHOWS: false, CONTENT: false, MEMBERSHIPS: false, STORE: false, PAYMENT_REQUESTS: false }],
    [retired, { TIPS: false, SHOWS: false, CONTENT: false, MEMBERSHIPS: false, STORE: false, PAYMENT_REQUESTS: false }],
  ];
  it.each(table)("%s", (wallet, expected) => {
    for (const purpose of WALLET_PURPOSES) expect([purpose, mayPay(wallet, purpose)]).toEqual([purpose, expected[purpose]]);
  });

  it.each([
    ["TIP", "TIPS"],
    ["PRIVATE_SHOW", "SHOWS"],
    ["GROUP_SHOW", "SHOWS"],
    ["CONTENT", "CONTENT"],
    ["MEMBERSHIP", "MEMBERSHIPS"],
    ["STORE", "STORE"],
    ["PAYMENT_REQUEST_SERVICE", "PAYMENT_REQUESTS"],
    ["PAYMENT_REQUEST_GOODS", "PAYMENT_REQUESTS"],
  ] as const)("a %s sale is paid for as %s", (kind, purpose) => {
    expect(purposeOfSale(kind)).toBe(purpose);
  });

  it.each([
    [credits, true],
    [earnings, false],
    [bonus, false],
    [dollars, false],
  ])("transfers from %s allowed: %s", (wallet, allowed) => {
    expect(refuses(() => assertMayTransfer(wallet))).toBe(!allowed);
  });

  it.each([
    [credits, false],
    [earnings, true],
    [bonus, false],
    [{ ...earnings, active: false }, false],
  ])("withdrawals from %s allowed: %s", (wallet, allowed) => {
    expect(refuses(() => assertMayWithdraw(wallet))).toBe(!allowed);
  });
});

describe("store share cap", () => {
  it.each([
    [credits, 999n, 999n],
    [bonus, 1000n, 500n],
    [bonus, 999n, 499n],
    [bonus, 1n, 0n],
    [earnings, 1000n, 0n],
  ])("%s may pay %s of an order of %s", (wallet, total, limit) => {
    expect(storeShareLimit(wallet, total)).toBe(limit);
  });
});

describe("exchange rounding favours the platform", () => {
  it.each([
    // amount, fromExp, toExp, rateE8, feeBps -> fee, net, result
    { amount: 100n, fromExp: 0, toExp: 2, rate: 9_000_000n, fee: 200, expected: { fee: 2n, net: 98n, result: 882n } },
    // 1 credit at 0.09 USD, 2% fee: the fee rounds up to a whole credit, nothing is left to convert.
    { amount: 1n, fromExp: 0, toExp: 2, rate: 9_000_000n, fee: 200, error: true },
    { amount: 51n, fromExp: 0, toExp: 2, rate: 9_000_000n, fee: 200, expected: { fee: 2n, net: 49n, result: 441n } },
    // $1.00 at 10 credits per dollar.
    { amount: 100n, fromExp: 2, toExp: 0, rate: 1_000_000_000n, fee: 0, expected: { fee: 0n, net: 100n, result: 10n } },
    // $0.19 is 1.9 credits: rounds down to 1, the 9 cents of value stay with the platform.
    { amount: 19n, fromExp: 2, toExp: 0, rate: 1_000_000_000n, fee: 0, expected: { fee: 0n, net: 19n, result: 1n } },
    { amount: 9n, fromExp: 2, toExp: 0, rate: 1_000_000_000n, fee: 0, error: true },
    // Same currency, 1:1 with a 1.5% fee: 333 x 1.5% = 4.995, the fee rounds up to 5.
    { amount: 333n, fromExp: 0, toExp: 0, rate: 100_000_000n, fee: 150, expected: { fee: 5n, net: 328n, result: 328n } },
    { amount: 0n, fromExp: 0, toExp: 0, rate: 100_000_000n, fee: 0, error: true },
    { amount: -5n, fromExp: 0, toExp: 0, rate: 100_000_000n, fee: 0, error: true },
    // MXN 0.55 credits per peso: 1,000.00 MXN is 550 credits.
    { amount: 100_000n, fromExp: 2, toExp: 0, rate: 55_000_000n, fee: 0, expected: { fee: 0n, net: 100_000n, result: 550n } },
    { amount: 10n ** 15n, fromExp: 0, toExp: 2, rate: 9_000_000n, fee: 200, expected: { fee: 2n * 10n ** 13n, net: 98n * 10n ** 13n, result: 882n * 10n ** 13n } },
  ])("$amount at $rate with $fee bps", ({ amount, fromExp, toExp, rate, fee, expected, error }) => {
    const quote = () => quoteExchange({ amount, fromExponent: fromExp, toExponent: toExp, rateE8: rate, feeBps: fee });
    if (error) {
      expect(refuses(quote)).toBe(true);
      return;
    }
    expect(quote()).toEqual({ amount, ...expected });
  });

  it("never credits more value than it takes, for any amount", () => {
    for (let amount = 1n; amount < 2_000n; amount += 7n) {
      for (const [rate, fee] of [[9_000_000n, 200], [1_000_000_000n, 0], [55_000_000n, 75], [100_000_000n, 1]] as const) {
        let quote;
        try {
          quote = quoteExchange({ amount, fromExponent: 0, toExponent: 2, rateE8: rate, feeBps: fee });
        } catch {
          continue;
        }
        // result / 100 <= net x rate / 10^8, i.e. result x 10^8 <= net x rate x 100.
        expect(quote.result * 100_000_000n <= quote.net * rate * 100n).toBe(true);
        expect(quote.fee * 10_000n >= amount * BigInt(fee)).toBe(true);
      }
    }
  });
});

describe("the smallest amount an exchange turns into something", () => {
  it.each([
    // $0.10 is one credit at 10 credits a dollar; $0.09 is nothing.
    { fromExp: 2, toExp: 0, rate: 1_000_000_000n, fee: 0, least: 10n },
    // One credit is 9 cents at 0.09, but the 2% fee rounds up to a whole credit: two credits are the least.
    { fromExp: 0, toExp: 2, rate: 9_000_000n, fee: 200, least: 2n },
    // 0.55 credits a peso: 1.82 pesos make 1.001 credits, 1.81 pesos only 0.9955.
    { fromExp: 2, toExp: 0, rate: 55_000_000n, fee: 0, least: 182n },
    // Within one currency with no fee, one unit moves; with a fee the fee must leave a unit over.
    { fromExp: 0, toExp: 0, rate: 100_000_000n, fee: 0, least: 1n },
    { fromExp: 0, toExp: 0, rate: 100_000_000n, fee: 150, least: 2n },
    // A rate of 0.00000001 credits a cent needs 10^10 dollars.
    { fromExp: 2, toExp: 0, rate: 1n, fee: 0, least: 10n ** 10n },
    // Half to the fee at a rate of 0.5: 4 units leave 2 after the fee, which make 1; 3 leave 1, which make nothing.
    { fromExp: 0, toExp: 0, rate: 50_000_000n, fee: 5_000, least: 4n },
    { fromExp: 0, toExp: 0, rate: 100_000_000n, fee: 10_000, least: null },
  ])("$rate with $fee bps, exponents $fromExp -> $toExp: $least", ({ fromExp, toExp, rate, fee, least }) => {
    const terms = { fromExponent: fromExp, toExponent: toExp, rateE8: rate, feeBps: fee };
    expect(smallestExchangeAmount(terms)).toBe(least);
    if (least === null) return;
    expect(quoteExchange({ ...terms, amount: least }).result).toBeGreaterThan(0n);
    if (least > 1n) expect(refuses(() => quoteExchange({ ...terms, amount: least - 1n }))).toBe(true);
  });

  it("is exactly where quoteExchange stops refusing, for many rates and fees", () => {
    for (const rate of [1n, 3n, 7_777_777n, 9_000_000n, 55_000_000n, 100_000_000n, 1_000_000_000n, 123_456_789_012n]) {
      for (const fee of [0, 1, 75, 200, 3_333, 5_000, 9_999]) {
        for (const [fromExp, toExp] of [[0, 0], [0, 2], [2, 0], [2, 2], [3, 0]] as const) {
          const terms = { fromExponent: fromExp, toExponent: toExp, rateE8: rate, feeBps: fee };
          const least = smallestExchangeAmount(terms) as bigint;
          expect(quoteExchange({ ...terms, amount: least }).result).toBeGreaterThan(0n);
          if (least > 1n) expect(refuses(() => quoteExchange({ ...terms, amount: least - 1n }))).toBe(true);
        }
      }
    }
  });
});

describe("quote expiry", () => {
  const quotedAt = new Date("2026-12-06T10:00:00.000Z");
  it.each([
    [0, true],
    [29_999, true],
    [30_000, true],
    [30_001, false],
    [-1, false],
  ])("%s ms after a 30 s quote: fresh %s", (elapsed, fresh) => {
    expect(isQuoteFresh(quotedAt, new Date(quotedAt.getTime() + elapsed), 30)).toBe(fresh);
  });
});

describe("rates in words", () => {
  it.each([
    ["0.09", 9_000_000n, "1 CRD = 0.09 USD"],
    ["10", 1_000_000_000n, "1 CRD = 10 USD"],
    ["1234.5", 123_450_000_000n, "1 CRD = 1,234.5 USD"],
    ["0.00000001", 1n, "1 CRD = 0.00000001 USD"],
  ])("%s", (text, rate, words) => {
    expect(parseRate(text)).toBe(rate);
    expect(formatRate(rate, "CRD", "USD")).toBe(words);
  });
  it.each(["0", "-1", "1.123456789", "abc", ""])("refuses %j", (text) => {
    expect(parseRate(text)).toBeNull();
  });
});

describe("uses in plain words", () => {
  it("describes the defaults", () => {
    expect(describeUses(credits)).toEqual([
      "Pays for tips, private and group shows, paid content, memberships, store orders and payment requests.",
      "Can be sent to other members.",
      "Cannot be withdrawn.",
      "You can exchange into and out of it.",
    ]);
    expect(describeUses(earnings)).toEqual([
      "Cannot be spent directly.",
      "Cannot be sent to other members.",
      "Can be withdrawn to your bank.",
      "You can exchange out of it, not into it.",
    ]);
    expect(describeUses(bonus)).toContain("Covers at most 50% of a store order.");
    expect(describeUses({ ...dollars, paysFor: [] })[0]).toBe("Holds USD; exchange it into credits to spend it.");
  });
});

function refuses(action: () => unknown): boolean {
  try {
    action();
    return false;
  } catch (error) {
    if (isDomainError(error)) return true;
    throw error;
  }
}
