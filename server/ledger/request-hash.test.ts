import { describe, expect, it } from "vitest";
import { canonicalJson, requestHash } from "./request-hash";

describe("canonicalJson", () => {
  it.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ amount: 10n }, '{"amount":10n}'],
    [[{ z: null, y: undefined }], '[{"z":null}]'],
    ["x", '"x"'],
  ])("case %#", (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it("hashes equal requests equally and different ones differently", () => {
    expect(requestHash({ a: 1n, b: "x" })).toBe(requestHash({ b: "x", a: 1n }));
    expect(requestHash({ a: 1n })).not.toBe(requestHash({ a: 2n }));
    expect(requestHash({ a: 1n })).not.toBe(requestHash({ a: "1n" }));
    expect(requestHash({ a: 1n })).not.toBe(requestHash({ a: 1 }));
  });
});
