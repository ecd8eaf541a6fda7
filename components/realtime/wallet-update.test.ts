import { describe, expect, it } from "vitest";
import { balancesFromWalletUpdate } from "@/components/realtime/wallet-update";
import { bindRealtime } from "./bind-realtime";
import { fakeChannel } from "./bind-realtime.testing";

describe("balancesFromWalletUpdate", () => {
  it("turns the string amounts into exact bigints", () => {
    expect(
      balancesFromWalletUpdate({
        available: "9007199254740993",
        earnings: "12",
        pending: "0",
        held: "-25",
        restricted: true,
        wallets: { credits: "9007199254740993", usd: "1999" },
      }),
    ).toEqual({
      available: 9007199254740993n,
      earnings: 12n,
      pending: 0n,
      held: -25n,
      restricted: true,
      wallets: { credits: 9007199254740993n, usd: 1999n },
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
