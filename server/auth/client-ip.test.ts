import { describe, expect, it } from "vitest";
import { clientIpFrom } from "@/server/auth/client-ip";

describe("clientIpFrom", () => {
  it.each<[string, Headers | Record<string, string | string[] | undefined>, string]>([
    ["the address our server pinned", { "x-forwarded-for": "203.0.113.7" }, "203.0.113.7"],
    ["the hop our proxy appended, not the client's claim", { "x-forwarded-for": "1.2.3.4, 198.51.100.9" }, "198.51.100.9"],
    ["extra spaces and empty entries", { "x-forwarded-for": " 1.2.3.4 ,, 198.51.100.9 , " }, "198.51.100.9"],
    ["repeated headers", { "x-forwarded-for": ["1.2.3.4", "198.51.100.9"] }, "198.51.100.9"],
    ["not X-Real-IP, which a client can write", { "x-real-ip": " 192.0.2.1 " }, "unknown"],
    ["a Headers object", new Headers({ "X-Forwarded-For": "2001:db8::1" }), "2001:db8::1"],
    ["nothing at all", {}, "unknown"],
  ])("uses %s", (_, headers, expected) => {
    expect(clientIpFrom(headers)).toBe(expected);
  });
});
