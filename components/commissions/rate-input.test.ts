import { describe, expect, it } from "vitest";
import { formatBps, percentToBps } from "./rate-input";

describe("percentToBps", () => {
  it.each([
    ["80", 8000],
    ["80.25", 8025],
    ["80.5", 8050],
    [" 0 ", 0],
    ["100", 10_000],
    ["100.01", null],
    ["101", null],
    ["-5", null],
    ["80.123", null],
    ["eighty", null],
    ["", null],
  ])("%j -> %s", (text, expected) => {
    expect(percentToBps(text)).toBe(expected);
  });
});

describe("formatBps", () => {
  it.each([
    [8000, "80%"],
    [8025, "80.25%"],
    [8050, "80.5%"],
    [5, "0.05%"],
    [10_000, "100%"],
  ])("%i -> %s", (bps, expected) => {
    expect(formatBps(bps)).toBe(expected);
  });
});
