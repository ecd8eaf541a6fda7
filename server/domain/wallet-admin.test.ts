import { describe, expect, it } from "vitest";
import { createCurrencySchema, createWalletTypeSchema, ONLY_CREDITS_PAY, updateWalletTypeSchema } from "./wallet-admin";

const type = {
  id: "savings",
  name: "Savings",
  description: "",
  currency: "CRD",
  paysFor: ["TIPS"],
  transferable: false,
  withdrawable: false,
  storeShareCapBps: 10_000,
  exchangeIn: true,
  exchangeOut: true,
  active: true,
  position: 5,
} as const;

const firstMessage = (result: { error?: { issues: { message: string }[] } }) => result.error?.issues[0]?.message ?? null;

describe("createWalletTypeSchema", () => {
  it.each([
    ["a credits wallet that pays for tips", {}, null],
    ["a dollar wallet that pays for nothing", { currency: "USD", paysFor: [] }, null],
    ["a dollar wallet that pays for tips", { currency: "USD", paysFor: ["TIPS"] }, ONLY_CREDITS_PAY],
    ["an id with capitals", { id: "Savings" }, "Use 2 to 32 lower-case letters"],
    ["an id starting with a digit", { id: "1st" }, "Use 2 to 32 lower-case letters"],
    ["the pending balance's id", { id: "pending" }, "That id is reserved"],
    ["the Credits wallet's account kind", { id: "available" }, "That id is reserved"],
    ["a lower-case currency", { currency: "usd", paysFor: [] }, "Use 3 to 8 capital letters"],
    ["a use listed twice", { paysFor: ["TIPS", "TIPS"] }, "List each use once."],
    ["an unknown use", { paysFor: ["TRANSFERS"] }, "Invalid option"],
    ["a store share above 100%", { storeShareCapBps: 10_001 }, "The store share is between 0% and 100%."],
    ["a position past 1000", { position: 1001 }, "Enter a position from 0 to 1000."],
    ["a blank name", { name: "  " }, "Give the wallet a name of at least 2 characters."],
  ] as const)("%s", (_name, override, message) => {
    const result = createWalletTypeSchema.safeParse({ ...type, ...override });
    if (message === null) expect(result.success).toBe(true);
    else expect(firstMessage(result)).toContain(message);
  });

  it("puts the only-credits-pay message on the uses", () => {
    const result = createWalletTypeSchema.safeParse({ ...type, currency: "USD" });
    expect(result.error?.issues[0]?.path).toEqual(["paysFor"]);
  });
});

describe("updateWalletTypeSchema", () => {
  it("takes the rules, and drops a currency or activation sent with them", () => {
    expect(updateWalletTypeSchema.parse({ ...type, currency: "USD", active: false })).not.toHaveProperty("currency");
    expect(updateWalletTypeSchema.parse(type)).not.toHaveProperty("active");
  });
});

describe("createCurrencySchema", () => {
  const currency = { code: "GBP", name: "Pound sterling", kind: "FIAT", exponent: 2 } as const;
  it.each([
    ["a fiat currency", {}, null],
    ["points without decimals", { code: "STARS", kind: "POINTS", exponent: 0 }, null],
    ["four decimals", { exponent: 4 }, null],
    ["five decimals", { exponent: 5 }, "Decimals are 0 to 4."],
    ["a negative exponent", { exponent: -1 }, "Decimals are 0 to 4."],
    ["a second kind of site credits", { kind: "CREDITS" }, "Site credits are CRD already"],
    ["a two-letter code", { code: "GB" }, "Use 3 to 8 capital letters"],
  ] as const)("%s", (_name, override, message) => {
    const result = createCurrencySchema.safeParse({ ...currency, ...override });
    if (message === null) expect(result.success).toBe(true);
    else expect(firstMessage(result)).toContain(message);
  });
});
