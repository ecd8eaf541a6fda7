import { describe, expect, it } from "vitest";
import { type PaymentFacts, paymentMismatches } from "./stripe-payments";

const stored: PaymentFacts = { checkoutSessionId: "cs_1", amountMinor: 999n, currency: "usd" };

describe("paymentMismatches", () => {
  it.each<[string, Partial<PaymentFacts>, Partial<PaymentFacts>, string[]]>([
    ["the same payment", {}, {}, []],
    ["the currency in other letters", {}, { currency: "USD" }, []],
    ["no session stored yet", { checkoutSessionId: null }, {}, []],
    ["a charge event, which names no session", {}, { checkoutSessionId: null }, []],
    ["another session", {}, { checkoutSessionId: "cs_2" }, ["checkoutSessionId"]],
    ["a smaller amount", {}, { amountMinor: 1n }, ["amountMinor"]],
    ["a larger amount", {}, { amountMinor: 1000n }, ["amountMinor"]],
    ["another currency", {}, { currency: "eur" }, ["currency"]],
    ["everything different", {}, { checkoutSessionId: "cs_9", amountMinor: 5n, currency: "gbp" }, ["checkoutSessionId", "amountMinor", "currency"]],
  ])("%s", (_case, storedChange, stripeChange, expected) => {
    expect(paymentMismatches({ ...stored, ...storedChange }, { ...stored, ...stripeChange })).toEqual(expected);
  });
});
