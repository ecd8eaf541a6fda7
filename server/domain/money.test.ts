import { describe, expect, it } from "vitest";
import { formatCredits, formatMinor, formatSignedCredits, mulDivFloor, parseCredits } from "./money";

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
