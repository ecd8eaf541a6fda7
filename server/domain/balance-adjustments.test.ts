import { describe, expect, it } from "vitest";
import { adjustBalanceInputSchema, balanceAdjustmentSchema } from "./balance-adjustments";

const valid = { account: "available", amount: 25n, reason: "Goodwill credit" } as const;

describe("balanceAdjustmentSchema", () => {
  it.each([
    ["a credit", valid, null],
    ["a debit", { ...valid, amount: -25n }, null],
    ["a zero amount", { ...valid, amount: 0n }, "An adjustment cannot be zero."],
    ["more than a trillion credits", { ...valid, amount: 10n ** 12n + 1n }, "That amount is too large."],
    ["a short reason, once trimmed", { ...valid, reason: "  ok  " }, "Give a reason of at least 3 characters."],
    ["an account that is not a user's", { ...valid, account: "escrow" }, "Invalid option"],
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
