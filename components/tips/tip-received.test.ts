import { describe, expect, it } from "vitest";
import { bindRealtime } from "@/components/realtime/bind-realtime";
import { fakeChannel } from "@/components/realtime/bind-realtime.testing";
import { type TipReceived, tipFromPayload } from "./tip-received";

/** The tips a performer's page is handed from what arrives on its channel. */
function tipsFrom(event: string, data: unknown): TipReceived[] {
  const channel = fakeChannel();
  const tips: TipReceived[] = [];
  bindRealtime(channel, "tip.received", (payload) => tips.push(tipFromPayload(payload)));
  channel.emit(event, data);
  return tips;
}

describe("tip.received", () => {
  const payload = { transactionId: "7", fromDisplayName: "Sam", amount: "25", net: "20", message: null, at: "2026-01-01T00:00:00Z" };

  it("reads a tip.received event", () => {
    expect(tipsFrom("tip.received", payload)).toEqual([{ transactionId: "7", fromDisplayName: "Sam", amount: 25n, net: 20n, message: null }]);
  });

  it.each([
    ["another event", "wallet.updated", payload],
    ["a malformed amount", "tip.received", { ...payload, amount: "2.5" }],
    ["a missing field", "tip.received", { ...payload, net: undefined }],
    ["no payload", "tip.received", null],
  ])("ignores %s", (_case, event, data) => {
    expect(tipsFrom(event, data)).toEqual([]);
  });
});
