import { describe, expect, it } from "vitest";
import { contentRangeHeader, parseRangeHeader } from "./http-range";

describe("parseRangeHeader", () => {
  it.each([
    // header, size, expected
    [null, 100, { kind: "whole" }],
    ["bytes=0-", 100, { kind: "partial", range: { start: 0, end: 99 } }],
    ["bytes=0-0", 100, { kind: "partial", range: { start: 0, end: 0 } }],
    ["bytes=10-19", 100, { kind: "partial", range: { start: 10, end: 19 } }],
    ["bytes=90-500", 100, { kind: "partial", range: { start: 90, end: 99 } }],
    ["bytes=-10", 100, { kind: "partial", range: { start: 90, end: 99 } }],
    ["bytes=-500", 100, { kind: "partial", range: { start: 0, end: 99 } }],
    [" bytes=5-6 ", 100, { kind: "partial", range: { start: 5, end: 6 } }],
    ["bytes=100-", 100, { kind: "unsatisfiable" }],
    ["bytes=150-200", 100, { kind: "unsatisfiable" }],
    ["bytes=-0", 100, { kind: "unsatisfiable" }],
    ["bytes=0-", 0, { kind: "unsatisfiable" }],
    ["bytes=-5", 0, { kind: "unsatisfiable" }],
    // Not a single satisfiable-or-not byte range: ignored, the whole file is sent.
    ["bytes=20-10", 100, { kind: "whole" }],
    ["bytes=0-1,5-6", 100, { kind: "whole" }],
    ["bytes=-", 100, { kind: "whole" }],
    ["items=0-5", 100, { kind: "whole" }],
    ["bytes=a-b", 100, { kind: "whole" }],
    ["", 100, { kind: "whole" }],
  ] as const)("%s of %i bytes", (header, size, expected) => {
    expect(parseRangeHeader(header, size)).toEqual(expected);
  });
});

describe("contentRangeHeader", () => {
  it("names the inclusive range and the whole size", () => {
    expect(contentRangeHeader({ start: 0, end: 1023 }, 4096)).toBe("bytes 0-1023/4096");
  });
});
