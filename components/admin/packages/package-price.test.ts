import { describe, expect, it } from "vitest";
import { formatMajorUnits, parseMajorUnits } from "@/components/admin/packages/package-price";

describe("parseMajorUnits", () => {
  it.each<[string, string, bigint]>([
    ["9.99", "usd", 999n],
    ["9.9", "usd", 990n],
    ["10", "eur", 1000n],
    [" 1,250.50 ", "eur", 125050n],
    ["0.07", "usd", 7n],
    // 0.1 + 0.2 in floats is 0.30000000000000004; here it is exactly 30 cents.
    ["0.30", "usd", 30n],
    ["999999999999.99", "usd", 99999999999999n],
    ["500", "jpy", 500n],
    ["1.234", "kwd", 1234n],
  ])("%s %s is %s minor units", (text, currency, expected) => {
    expect(parseMajorUnits(text, currency)).toBe(expected);
  });

  it.each([
    ["too many decimals", "9.999", "usd"],
    ["decimals on a zero-decimal currency", "5.5", "jpy"],
    ["a negative amount", "-1", "usd"],
    ["an exponent", "1e3", "usd"],
    ["a trailing point", "9.", "usd"],
    ["a leading point", ".5", "usd"],
    ["words", "ten", "usd"],
    ["nothing", "", "usd"],
  ])("refuses %s", (_name, text, currency) => {
    expect(parseMajorUnits(text, currency)).toBeNull();
  });
});

describe("formatMajorUnits", () => {
  it.each<[bigint, string, string]>([
    [999n, "usd", "9.99"],
    [5n, "eur", "0.05"],
    [100000n, "eur", "1000.00"],
    [500n, "jpy", "500"],
  ])("%s %s reads %s", (amount, currency, expected) => {
    expect(formatMajorUnits(amount, currency)).toBe(expected);
    expect(parseMajorUnits(expected, currency)).toBe(amount);
  });
});
