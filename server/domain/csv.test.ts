import { describe, expect, it } from "vitest";
import { csvCell, csvDocument } from "./csv";

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=SUM(A1:A9)", "'=SUM(A1:A9)"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@cmd", "'@cmd"],
    ["\tTAB", "'\tTAB"],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ["a=b", "a=b"],
  ])("%j -> %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe("csvDocument", () => {
  it("starts with a byte-order mark and ends every line with CRLF", () => {
    expect(csvDocument(["A", "B"], [["1", "x,y"]])).toBe('\uFEFFA,B\r\n1,"x,y"\r\n');
  });

  it("writes only the header for no rows", () => {
    expect(csvDocument(["A"], [])).toBe("\uFEFFA\r\n");
  });
});
