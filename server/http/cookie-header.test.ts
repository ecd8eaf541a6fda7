import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { parseCookieHeader } from "./cookie-header";

const cases: Array<[string, string | undefined]> = [
  ["no header", undefined],
  ["empty", ""],
  ["one cookie", "next-auth.session-token=abc.def"],
  ["several, with and without spaces", "a=1; b=2;c=3"],
  ["an encoded value", "name=hello%20world%3B"],
  ["a value that does not decode", "bad=%E0%A4%A; good=1"],
  ["a name without a value", "flag; a=1"],
  ["a repeated name keeps the last", "a=1; a=2"],
  ["an empty value", "a=; b=2"],
  ["a value with = in it", "token=a=b=c"],
  ["a chunked session cookie", "next-auth.session-token.1=second; next-auth.session-token.0=first"],
];

describe("parseCookieHeader reads a Cookie header as NextRequest.cookies does", () => {
  it.each(cases)("%s", (_name, header) => {
    const request = new NextRequest("http://127.0.0.1/api/trpc/x", { headers: header === undefined ? {} : { cookie: header } });
    const expected = request.cookies.getAll().map(({ name, value }) => ({ name, value }));
    expect(parseCookieHeader(header)).toEqual(expected);
  });

  it("finds the session cookie among others", () => {
    expect(parseCookieHeader("theme=dark; next-auth.session-token=abc")).toContainEqual({ name: "next-auth.session-token", value: "abc" });
  });
});
