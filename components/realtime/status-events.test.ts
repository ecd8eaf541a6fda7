import { describe, expect, it } from "vitest";
import { staleAfter } from "@/components/realtime/status-events";

describe("staleAfter", () => {
  it.each([
    ["withdrawal.updated", ["withdrawals"]],
    ["order.updated", ["orders"]],
    ["pusher:subscription_succeeded", ["withdrawals", "orders"]],
    ["wallet.updated", []],
    ["pusher:subscription_error", []],
    ["tip.received", []],
  ])("%s makes %j stale", (event, stale) => {
    expect(staleAfter(event)).toEqual(stale);
  });
});
