import { describe, expect, it } from "vitest";
import { addExchangeRateSchema, parseAmount, rateDecimal } from "./exchange";
import { formatUnits } from "./money";
import { parseRate } from "./wallets";

describe("parseAmount", () => {
  it.each([
    ["12.34", 2, 1234n],
    ["12", 2, 1200n],
    ["12.5", 2, 1250n],
    ["12.", 2, 1200n],
    ["0.01", 2, 1n],
    [" 1,000.00 ", 2, 100000n],
    ["1500", 0, 1500n],
    ["1,500", 0, 1500n],
    ["1.234", 3, 1234n],
  ])("%s with exponent %i is %s minor units", (text, exponent, expected) => {
    expect(parseAmount(text, exponent)).toEqual({ ok: true, amount: expected });
  });

  it.each([
    ["12.345", 2, "Enter at most 2 decimals."],
    ["1.5", 0, "Enter a whole number: this currency has no decimals."],
    ["1.23", 1, "Enter at most 1 decimal."],
    ["0", 2, "Enter an amount above zero."],
    ["0.00", 2, "Enter an amount above zero."],
    ["-5", 2, "Enter an amount such as 12 or 12.50."],
    ["+5", 2, "Enter an amount such as 12 or 12.50."],
    ["1e3", 2, "Enter an amount such as 12 or 12.50."],
    ["", 2, "Enter an amount such as 12 or 12.50."],
    [".", 2, "Enter an amount such as 12 or 12.50."],
    [".5", 2, "Enter an amount such as 12 or 12.50."],
    ["twelve", 2, "Enter an amount such as 12 or 12.50."],
    ["1.2.3", 2, "Enter an amount such as 12 or 12.50."],
    ["9999999999999999", 0, "Enter an amount such as 12 or 12.50."],
    ["100000000000000.01", 2, "That amount is too large."],
  ])("refuses %j with exponent %i", (text, exponent, error) => {
    expect(parseAmount(text, exponent)).toEqual({ ok: false, error });
  });
});

describe("parseAmount and formatUnits", () => {
  it("reads back what formatUnits writes", () => {
    for (const amount of [1n, 99n, 100n, 123456n, 123456789n]) {
      expect(parseAmount(formatUnits(amount, 2), 2)).toEqual({ ok: true, amount });
    }
  });
});

describe("addExchangeRateSchema", () => {
  const base = { fromCurrency: "crd", toCurrency: "USD", rate: "0.09", feeBps: 200 };

  it("reads the rate as an exact integer times 10^8 and upper-cases the codes", () => {
    expect(addExchangeRateSchema.parse(base)).toEqual({ fromCurrency: "CRD", toCurrency: "USD", rate: 9_000_000n, feeBps: 200 });
  });

  it.each([
    ["a zero rate", { rate: "0" }, "rate"],
    ["a negative rate", { rate: "-1" }, "rate"],
    ["too many decimals", { rate: "0.123456789" }, "rate"],
    ["a rate above a million", { rate: "1000001" }, "rate"],
    ["a fee above 50%", { feeBps: 5_001 }, "feeBps"],
    ["a negative fee", { feeBps: -1 }, "feeBps"],
    ["a rate other than 1 within a currency", { toCurrency: "CRD", rate: "2" }, "rate"],
    ["an unreadable currency", { toCurrency: "U$D" }, "toCurrency"],
  ])("refuses %s", (_case, change, field) => {
    const parsed = addExchangeRateSchema.safeParse({ ...base, ...change });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join("."))).toContain(field);
  });

  it("takes a fee-only row within one currency at rate 1", () => {
    expect(addExchangeRateSchema.parse({ ...base, toCurrency: "CRD", rate: "1" }).rate).toBe(100_000_000n);
  });
});

describe("rateDecimal", () => {
  it.each([
    [9_000_000n, "0.09"],
    [1_000_000_000n, "10"],
    [160_000_000n, "1.6"],
    [1n, "0.00000001"],
  ])("%s is %s, which parseRate reads back", (rateE8, text) => {
    expect(rateDecimal(rateE8)).toBe(text);
    expect(parseRate(text)).toBe(rateE8);
  });
});
