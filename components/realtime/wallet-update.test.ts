import { describe, expect, it } from "vitest";
import { balancesFromWalletUpdate } from "@/components/realtime/wallet-update";
import { bindRealtime } from "./bind-realtime";
import { fakeChannel } from "./bind-realtime.testing";

describe("balancesFromWalletUpdate", () => {
  it("turns the string amounts into exact bigints", () => {
    expect(balancesFromWalletUpdate({ available: "9007199254740993", pending: "0", held: "-25", restricted: true })).toEqual({
      available: 9007199254740993n,
      pending: 0n,
      held: -25n,
      restricted: true,
    });
  });

  it.each([
    ["a missing field", { available: "1", pending: "0", restricted: false }],
    ["a float", { available: "1.5", pending: "0", held: "0", restricted: false }],
    ["a number instead of a string", { available: 1, pending: "0", held: "0", restricted: false }],
    ["no payload", null],
  ])("is never handed %s", (_name, data) => {
    const channel = fakeChannel();
    const seen: unknown[] = [];
    bindRealtime(channel, "wallet.updated", (payload) => seen.push(balancesFromWalletUpdate(payload)));
    channel.emit("wallet.updated", data);
    expect(seen).toEqual([]);
  });
});
