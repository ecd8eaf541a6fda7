import { describe, expect, it } from "vitest";
import { splitSale } from "./commission";

describe("splitSale", () => {
  it.each([
    // amount, performer share bps, performer, platform
    [100n, 7000, 70n, 30n],
    [1n, 7000, 0n, 1n],
    [3n, 5000, 1n, 2n],
    [99n, 3333, 32n, 67n],
    [10n, 10000, 10n, 0n],
    [10n, 0, 0n, 10n],
    [9007199254740993n, 8000, 7205759403792794n, 1801439850948199n],
  ])("%s at %i bps", (amount, bps, performer, platform) => {
    const split = splitSale(amount, bps);
    expect(split).toEqual({ performer, platform, rateBps: bps });
    expect(split.performer + split.platform).toBe(amount);
  });

  it.each([
    [0n, 7000],
    [-5n, 7000],
    [10n, -1],
    [10n, 10001],
    [10n, 70.5],
  ])("refuses amount %s at %s bps", (amount, bps) => {
    expect(() => splitSale(amount, bps)).toThrow();
  });
});
