import { describe, expect, it } from "vitest";
import { formatCredits, formatMinor, formatSignedWalletAmount, formatWalletAmount, plainUnits, formatSignedCredits, formatUnits, hasTooManyDecimals, mulDivFloor, parseCredits, parseUnits } from "./money";

describe("formatCredits", () => {
  it.each([
    [0n, "0"],
    [7n, "7"],
    [1000n, "1,000"],
    [1234567n, "1,234,567"],
    [-25n, "-25"],
    [-1000000n, "-1,000,000"],
    [9007199254740993n, "9,007,199,254,740,993"],
  ])("%s -> %s", (credits, text) => {
    expect(formatCredits(credits)).toBe(text);
  });

  it.each([
    [10n, "+10"],
    [-10n, "-10"],
    [0n, "0"],
  ])("signed %s -> %s", (credits, text) => {
    expect(formatSignedCredits(credits)).toBe(text);
  });
});

describe("formatMinor", () => {
  it.each([
    [0n, "usd", "$0.00"],
    [5n, "usd", "$0.05"],
    [999n, "USD", "$9.99"],
    [123456n, "usd", "$1,234.56"],
    [-1050n, "eur", "-€10.50"],
    [949n, "eur", "€9.49"],
    [999n, "EUR", "€9.99"],
    [123456789n, "eur", "€1,234,567.89"],
    [500n, "jpy", "¥500"],
    [1234n, "kwd", "1.234 KWD"],
    [100n, "chf", "1.00 CHF"],
  ])("%s %s -> %s", (amount, currency, text) => {
    expect(formatMinor(amount, currency)).toBe(text);
  });
});

describe("parseCredits", () => {
  it.each([
    ["250", 250n],
    [" 1,000 ", 1000n],
    ["0", null],
    ["-5", null],
    ["1.5", null],
    ["abc", null],
    ["", null],
    ["1e3", null],
    ["1234567890123456", null],
  ])("%j -> %s", (text, value) => {
    expect(parseCredits(text)).toBe(value);
  });
});

describe("mulDivFloor", () => {
  it.each([
    [100n, 7000n, 10000n, 70n],
    [99n, 7000n, 10000n, 69n],
    [1n, 1n, 3n, 0n],
    [10n, 1n, 3n, 3n],
    [9007199254740993n, 3n, 1n, 27021597764222979n],
  ])("floor(%s * %s / %s) = %s", (value, multiplier, divisor, expected) => {
    expect(mulDivFloor(value, multiplier, divisor)).toBe(expected);
  });

  it("refuses a zero divisor and negative inputs", () => {
    expect(() => mulDivFloor(1n, 1n, 0n)).toThrow(RangeError);
    expect(() => mulDivFloor(-1n, 1n, 1n)).toThrow(RangeError);
  });
});

describe("parseUnits", () => {
  it.each([
    ["12.34", 2, 1_234n],
    ["12", 2, 1_200n],
    ["12.", 2, 1_200n],
    [" 0.05 ", 2, 5n],
    ["1,234.5", 2, 123_450n],
    ["1,000", 0, 1_000n],
    ["0", 0, 0n],
    ["50", 2, 5_000n],
    ["12.5", 2, 1_250n],
    ["1.2345", 4, 12_345n],
    ["999999999999999", 0, 999_999_999_999_999n],
  ] as const)("%j with %i decimals -> %s", (text, exponent, minor) => {
    expect(parseUnits(text, exponent)).toBe(minor);
  });

  it.each([
    ["12.345", 2],
    ["1.5", 0],
    ["-1", 2],
    ["1,23", 2],
    ["1e3", 0],
    [".5", 2],
    ["", 2],
    ["1000000000000000", 0],
  ] as const)("refuses %j with %i decimals", (text, exponent) => {
    expect(parseUnits(text, exponent)).toBeNull();
  });

  it.each([
    ["12.345", 2, true],
    ["12.340", 2, true],
    ["12.34", 2, false],
    ["1.5", 0, true],
    ["abc", 0, false],
  ] as const)("hasTooManyDecimals(%j, %i) is %s", (text, exponent, expected) => {
    expect(hasTooManyDecimals(text, exponent)).toBe(expected);
  });
});

describe("formatUnits and formatWalletAmount", () => {
  it.each([
    [123_456n, 2, "1,234.56"],
    [5n, 2, "0.05"],
    [-5n, 2, "-0.05"],
    [1_234n, 0, "1,234"],
    [12_345n, 4, "1.2345"],
  ] as const)("formatUnits(%s, %i) -> %s", (amount, exponent, text) => {
    expect(formatUnits(amount, exponent)).toBe(text);
  });

  it.each([
    [1_234n, { currency: "CRD", exponent: 0 }, "1,234 credits"],
    [1n, { currency: "CRD" }, "1 credit"],
    [-1n, { currency: "CRD" }, "-1 credit"],
    [1_234n, { currency: "USD", exponent: 2 }, "$12.34"],
    [-1_234n, { currency: "USD", exponent: 2 }, "-$12.34"],
    [1_234n, { currency: "USD" }, "$12.34"],
    [99n, { currency: "EUR", exponent: 2 }, "€0.99"],
    [150_000n, { currency: "MXN", exponent: 2 }, "1,500.00 MXN"],
    [50n, { currency: "PTS", exponent: 0, currencyKind: "POINTS" }, "50 points"],
    [50n, { currency: "PTS", exponent: 0 }, "50 PTS"],
    [1_234n, { currency: "KWD", exponent: 3 }, "1.234 KWD"],
  ] as const)("%s in %o -> %s", (amount, format, text) => {
    expect(formatWalletAmount(amount, format)).toBe(text);
  });

  it("signs amounts for history lines and writes plain units for files", () => {
    expect([formatSignedWalletAmount(150n, { currency: "USD", exponent: 2 }), formatSignedWalletAmount(-3n, { currency: "CRD" }), formatSignedWalletAmount(0n, { currency: "CRD" })]).toEqual([
      "+$1.50",
      "-3 credits",
      "0 credits",
    ]);
    expect([plainUnits(123_456_789n, 2), plainUnits(-1_500n, 0)]).toEqual(["1234567.89", "-1500"]);
  });
});
