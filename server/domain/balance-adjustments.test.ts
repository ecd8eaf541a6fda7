import { describe, expect, it } from "vitest";
import { adjustBalanceInputSchema, adjustmentAmount, balanceAdjustmentSchema } from "./balance-adjustments";

const valid = { wallet: "credits", amount: "25", reason: "Goodwill credit" } as const;

describe("balanceAdjustmentSchema", () => {
  it.each([
    ["a credit", valid, null],
    ["a debit with decimals", { ...valid, amount: "-12.50" }, null],
    ["thousands separators", { ...valid, amount: "1,000" }, null],
    ["no wallet", { ...valid, wallet: " " }, "Choose a wallet."],
    ["a comma for a decimal point", { ...valid, amount: "12,5" }, "Enter an amount like 25 or 12.50."],
    ["words", { ...valid, amount: "ten" }, "Enter an amount like 25 or 12.50."],
    ["a short reason, once trimmed", { ...valid, reason: "  ok  " }, "Give a reason of at least 3 characters."],
  ] as const)("%s", (_, input, message) => {
    const parsed = balanceAdjustmentSchema.safeParse(input);
    if (message === null) expect(parsed.success).toBe(true);
    else expect(parsed.error?.issues[0]?.message).toContain(message);
  });

  it("trims the reason the member will see", () => {
    expect(balanceAdjustmentSchema.parse({ ...valid, reason: "  Goodwill credit \n" }).reason).toBe("Goodwill credit");
  });
});

describe("adjustBalanceInputSchema", () => {
  it("needs the user and an idempotency key on top of the form's fields", () => {
    expect(adjustBalanceInputSchema.safeParse(valid).success).toBe(false);
    const full = { ...valid, userId: crypto.randomUUID(), idempotencyKey: crypto.randomUUID() };
    expect(adjustBalanceInputSchema.parse(full)).toEqual(full);
  });
});

describe("adjustmentAmount", () => {
  const credits = { name: "Credits", exponent: 0 };
  const dollars = { name: "Dollars", exponent: 2 };
  const dinars = { name: "Dinars", exponent: 3 };
  it.each([
    ["25", credits, 25n],
    ["-25", credits, -25n],
    ["1,000", credits, 1_000n],
    ["12.34", dollars, 1_234n],
    ["-0.05", dollars, -5n],
    ["12", dollars, 1_200n],
    ["12.3", dollars, 1_230n],
    ["1.234", dinars, 1_234n],
    ["10000000000.00", dollars, 10n ** 12n],
  ] as const)("%s in %o -> %s", (text, wallet, minor) => {
    expect(adjustmentAmount(text, wallet)).toBe(minor);
  });

  it.each([
    ["12.345", dollars, "Dollars amounts have at most 2 decimals."],
    ["1.5", credits, "Credits amounts are whole numbers."],
    ["0", credits, "An adjustment cannot be zero."],
    ["-0.00", dollars, "An adjustment cannot be zero."],
    ["10000000000.01", dollars, "That amount is too large."],
    ["1000000000001", credits, "That amount is too large."],
    ["abc", credits, "Enter an amount like 25 or 12.50."],
    ["--5", credits, "Enter an amount like 25 or 12.50."],
  ] as const)("refuses %s in %o: %s", (text, wallet, message) => {
    expect(() => adjustmentAmount(text, wallet)).toThrow(message);
  });
});
