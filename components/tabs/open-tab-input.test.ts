import { describe, expect, it } from "vitest";
import { limitPresets, limitText, openTabFormSchema, readLimit } from "./open-tab-input";

const bounds = { minLimitMinor: 2_000n, maxLimitMinor: 50_000n, currency: "USD", creditPriceMinor: 10n };

describe("a tab's limit as typed", () => {
  it.each([
    ["20", 2_000n],
    ["$50", 5_000n],
    [" 100.00 ", 10_000n],
    ["500", 50_000n],
  ])("%s is %s minor units", (text, minor) => {
    expect(readLimit(text, bounds)).toEqual({ minor });
  });

  it.each([
    ["", "Enter a limit between $20.00 and $500.00."],
    ["twenty", "Enter an amount such as 20 or 50.00, between $20.00 and $500.00."],
    ["20.005", "Enter an amount such as 20 or 50.00, between $20.00 and $500.00."],
    ["-20", "Enter an amount such as 20 or 50.00, between $20.00 and $500.00."],
    ["5", "A tab's limit must be between $20.00 and $500.00."],
    ["1000", "A tab's limit must be between $20.00 and $500.00."],
    ["20.05", "Choose a limit that buys whole credits at $0.10 each."],
  ])("%j is refused: %s", (text, problem) => {
    expect(readLimit(text, bounds)).toEqual({ problem });
    expect(openTabFormSchema(bounds).safeParse({ limit: text }).error?.issues[0]?.message).toBe(problem);
  });

  it.each([
    [2_000n, "20"],
    [5_050n, "50.50"],
    [100_000n, "1000"],
  ])("%s minor units are shown as %s", (minor, text) => {
    expect(limitText(minor, "USD")).toBe(text);
  });

  it("offers the presets the bounds allow", () => {
    expect(limitPresets(bounds)).toEqual([2_000n, 5_000n, 10_000n, 20_000n]);
    expect(limitPresets({ ...bounds, minLimitMinor: 5_000n, maxLimitMinor: 10_000n })).toEqual([5_000n, 10_000n]);
  });
});
