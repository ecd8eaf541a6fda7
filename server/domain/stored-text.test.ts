import { describe, expect, it } from "vitest";
import { BROKEN_CHARACTER_MESSAGE, NUL_MESSAGE, findUnstorableText, unstorableTextProblem } from "./stored-text";

describe("unstorableTextProblem", () => {
  it.each([
    ["plain text", "Play the loop song", null],
    ["an empty string", "", null],
    ["an emoji (a whole surrogate pair)", "thanks \u{1F3B8}", null],
    ["accents and CJK", "Grüße, 你好", null],
    ["a NUL byte", "hi\u0000there", NUL_MESSAGE],
    ["a NUL byte alone", "\u0000", NUL_MESSAGE],
    ["a lone high surrogate at the end", "guitar \uD83C", BROKEN_CHARACTER_MESSAGE],
    ["a lone high surrogate before text", "\uD83Cx", BROKEN_CHARACTER_MESSAGE],
    ["a lone low surrogate", "\uDFB8 riff", BROKEN_CHARACTER_MESSAGE],
    ["a pair in the wrong order", "\uDFB8\uD83C", BROKEN_CHARACTER_MESSAGE],
  ])("%s", (_case, text, expected) => {
    expect(unstorableTextProblem(text)).toBe(expected);
  });
});

describe("findUnstorableText", () => {
  it.each([
    ["a clean object", { amount: 5n, message: "hi", tags: ["a", "b"] }, null],
    ["a bad top-level string", "a\u0000", { path: [], message: NUL_MESSAGE }],
    ["a bad field", { message: "hi\u0000" }, { path: ["message"], message: NUL_MESSAGE }],
    ["a bad nested field", { shippingAddress: { name: "Mia \uD83C" } }, { path: ["shippingAddress", "name"], message: BROKEN_CHARACTER_MESSAGE }],
    ["a bad array item", { lines: ["ok", "\uDC00"] }, { path: ["lines", 1], message: BROKEN_CHARACTER_MESSAGE }],
    ["numbers, booleans, null and dates", { a: 1, b: true, c: null, d: new Date(0), e: undefined }, null],
  ])("%s", (_case, value, expected) => {
    expect(findUnstorableText(value)).toEqual(expected);
  });

  it("stops at a depth no input of the app reaches", () => {
    let deep: unknown = "\u0000";
    for (let level = 0; level < 40; level += 1) deep = { next: deep };
    expect(findUnstorableText(deep)).toBeNull();
  });
});
