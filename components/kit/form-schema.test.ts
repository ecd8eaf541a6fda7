import { describe, expect, it } from "vitest";
import { placeFieldErrors, placeIssues, textAs, wholeBigint, wholeNumber } from "./form-schema";
import { planInputSchema } from "@/server/domain/memberships";
import { parseCredits } from "@/server/domain/money";

describe("wholeBigint and wholeNumber", () => {
  it.each([
    ["150", 150n, 150],
    [" 1,500 ", 1500n, null],
    ["0", 0n, 0],
    ["", null, null],
    ["1.5", null, null],
    ["-3", null, null],
    ["1234567890", 1234567890n, null],
  ])("%j reads as %s and %s", (text, asBigint, asNumber) => {
    expect(wholeBigint(text)).toBe(asBigint);
    expect(wholeNumber(text)).toBe(asNumber);
  });
});

describe("a form schema built from the server's schema", () => {
  const form = planInputSchema.extend({
    price: textAs(parseCredits, "Enter a whole number of credits, 1 or more.").pipe(planInputSchema.shape.price),
    periodDays: textAs(wholeNumber, "Enter a whole number of days.").pipe(planInputSchema.shape.periodDays),
  });
  const fields = ["name", "description", "perks", "price", "periodDays", "active"] as const;
  const valid = { name: "Inner circle", description: "", perks: "", price: "50", periodDays: "30", active: true };

  it("reads text into the server's input", () => {
    expect(form.parse(valid)).toEqual({ ...valid, price: 50n, periodDays: 30 });
  });

  it.each([
    ["text that is no number gets the form's message", { price: "ten" }, { price: "Enter a whole number of credits, 1 or more." }],
    ["a number the server refuses gets the server's own message", { periodDays: "400" }, { periodDays: "A period is at most 366 days." }],
    ["every field is checked at once", { name: "x", price: "" }, { name: "Give the plan a name of at least 2 characters.", price: "Enter a whole number of credits, 1 or more." }],
  ])("%s", (_, change, expected) => {
    const result = form.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    if (!result.success) expect(placeIssues(result.error, fields).errors).toEqual(expected);
  });
});

describe("placeFieldErrors", () => {
  const fields = ["name", "price"] as const;

  it.each([
    ["a field's first message", { name: ["Too short.", "Also bad."] }, {}, { errors: { name: "Too short." }, unplaced: [] }],
    ["an input name shown on another field", { priceMinor: ["Too cheap."] }, { priceMinor: "price" as const }, { errors: { price: "Too cheap." }, unplaced: [] }],
    ["a name the form has no field for", { form: ["Refused."], id: ["Bad id."] }, {}, { errors: {}, unplaced: ["Refused.", "Bad id."] }],
    ["an empty list of messages", { name: [] }, {}, { errors: {}, unplaced: [] }],
  ])("places %s", (_, fieldErrors, aliases, expected) => {
    expect(placeFieldErrors(fieldErrors, fields, aliases)).toEqual(expected);
  });
});
