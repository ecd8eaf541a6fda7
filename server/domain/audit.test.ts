import { describe, expect, it } from "vitest";
import { auditActionLabel, auditDetailLines, auditDetailsText } from "./audit";

describe("auditActionLabel", () => {
  it.each([
    ["ledger.adjust", "Balance adjusted"],
    ["user.suspended", "User suspended"],
    ["payout_profile.revealed", "Payout details revealed"],
    ["store_item.update", "Store item update"],
    ["membership_plan.create", "Membership plan create"],
    ["room.settings", "Room settings"],
  ])("%s reads %j", (action, label) => {
    expect(auditActionLabel(action)).toBe(label);
  });
});

describe("auditDetailLines", () => {
  const text = (details: unknown) => auditDetailLines(details).map(({ label, value }) => [label, value]);

  it.each<[string, unknown, string[][]]>([
    [
      "an adjustment",
      { account: "available", amount: "25", reason: "Goodwill", transactionId: "42" },
      [
        ["Account", "available"],
        ["Amount", "25"],
        ["Reason", "Goodwill"],
        ["Transaction ID", "42"],
      ],
    ],
    [
      "a change: only what differs, before → after",
      { key: "shows", before: { priceBps: 8000, online: false, note: null }, after: { priceBps: 7500, online: false, note: "new" } },
      [
        ["Key", "shows"],
        ["Price bps", "8000 → 7500"],
        ["Note", "— → new"],
      ],
    ],
    ["a change that changed nothing", { before: { a: 1 }, after: { a: 1 } }, [["Change", "Nothing changed"]]],
    ["a creation: what was set", { before: null, after: { credits: 20, currency: "USD" } }, [["Credits", "20"], ["Currency", "USD"]]],
    ["a removal keeps both sides", { before: { credits: 20 }, after: null }, [["Before › Credits", "20"], ["After", "—"]]],
    ["nothing recorded", {}, []],
    ["a null, a flag and a list", { performerId: null, lockRestarted: true, changedKeys: ["iban", "name"] }, [["Performer ID", "—"], ["Lock restarted", "Yes"], ["Changed keys", "iban, name"]]],
    ["an empty nested object", { filters: {} }, [["Filters", "—"]]],
    ["a bare value", "legacy note", [["Details", "legacy note"]]],
    ["deep nesting as compact JSON", { a: { b: { c: { d: 1 } } } }, [["A › B › C", '{"d":1}']]],
  ])("%s", (_name, details, expected) => {
    expect(text(details)).toEqual(expected);
  });

  it("keeps the stored key so a viewer can link a transaction", () => {
    expect(auditDetailLines({ transactionId: "42" })[0]?.key).toBe("transactionId");
  });
});

describe("auditDetailsText", () => {
  it("joins the lines for a spreadsheet cell", () => {
    expect(auditDetailsText({ amount: "25", reason: "Goodwill" })).toBe("Amount: 25; Reason: Goodwill");
    expect(auditDetailsText({})).toBe("");
  });
});
