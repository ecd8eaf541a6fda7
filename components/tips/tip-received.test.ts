import { describe, expect, it } from "vitest";
import { tipFromEvent } from "./tip-received";

describe("tipFromEvent", () => {
  const payload = { transactionId: "7", fromDisplayName: "Sam", amount: "25", net: "20", message: null, at: "2026-01-01T00:00:00Z" };

  it("reads a tip.received event", () => {
    expect(tipFromEvent("tip.received", payload)).toEqual({ transactionId: "7", fromDisplayName: "Sam", amount: 25n, net: 20n, message: null });
  });

  it.each([
    ["another event", "wallet.updated", payload],
    ["a malformed amount", "tip.received", { ...payload, amount: "2.5" }],
    ["a missing field", "tip.received", { ...payload, net: undefined }],
    ["no payload", "tip.received", null],
  ])("ignores %s", (_case, event, data) => {
    expect(tipFromEvent(event, data)).toBeNull();
  });
});
