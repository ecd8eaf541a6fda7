import { describe, expect, it } from "vitest";
import { MAX_PAGE, pageCount, parsePage } from "./discover";

describe("parsePage", () => {
  it.each<[string | string[] | undefined, number]>([
    [undefined, 1],
    ["", 1],
    ["1", 1],
    ["3", 3],
    [["2", "5"], 2],
    ["0", 1],
    ["-2", 1],
    ["2.5", 1],
    ["abc", 1],
    [String(MAX_PAGE), MAX_PAGE],
    [String(MAX_PAGE + 1), 1],
    ["999999999999", 1],
  ])("reads %j as page %i", (raw, expected) => {
    expect(parsePage(raw)).toBe(expected);
  });
});

describe("pageCount", () => {
  it.each([
    [0, 24, 1],
    [1, 24, 1],
    [24, 24, 1],
    [25, 24, 2],
    [48, 24, 2],
    [49, 24, 3],
  ])("%i performers at %i a page make %i pages", (total, size, expected) => {
    expect(pageCount(total, size)).toBe(expected);
  });
});
