import { describe, expect, it } from "vitest";
import { canonicalAddress, clientAddress, isInRanges, parseAddressRange, parseTrustedProxies } from "@/server/domain/client-ip";

describe("canonicalAddress", () => {
  it.each<[string, string | null]>([
    ["203.0.113.7", "203.0.113.7"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["::FFFF:7f00:1", "127.0.0.1"],
    ["[2001:db8::1]", "2001:db8:0:0:0:0:0:1"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:1"],
    ["::1", "0:0:0:0:0:0:0:1"],
    ["fe80::1%eth0", "fe80:0:0:0:0:0:0:1"],
    ["256.1.1.1", null],
    ["1.2.3", null],
    ["01.2.3.4", null],
    ["1:2:3:4:5:6:7:8:9", null],
    ["1::2::3", null],
    ["unknown", null],
    ["", null],
  ])("%j is %j", (input, expected) => {
    expect(canonicalAddress(input)).toBe(expected);
  });
});

describe("parseAddressRange", () => {
  it.each<[string, boolean]>([
    ["10.0.0.1", true],
    ["10.0.0.0/8", true],
    ["10.1.2.3/8", true],
    ["0.0.0.0/0", true],
    ["2001:db8::/32", true],
    ["10.0.0.0/33", false],
    ["2001:db8::/129", false],
    ["10.0.0.0/", false],
    ["10.0.0.0/8/8", false],
    ["10.0.0.0/-1", false],
    ["proxy.internal", false],
  ])("%j valid: %j", (input, valid) => {
    expect(parseAddressRange(input) !== null).toBe(valid);
  });

  it("matches addresses inside the range only", () => {
    const { ranges } = parseTrustedProxies("10.0.0.0/8, 192.168.1.5 2001:db8::/32");
    expect(isInRanges("10.255.0.1", ranges)).toBe(true);
    expect(isInRanges("::ffff:10.0.0.9", ranges)).toBe(true);
    expect(isInRanges("11.0.0.1", ranges)).toBe(false);
    expect(isInRanges("192.168.1.5", ranges)).toBe(true);
    expect(isInRanges("192.168.1.6", ranges)).toBe(false);
    expect(isInRanges("2001:db8:ffff::1", ranges)).toBe(true);
    expect(isInRanges("2001:db9::1", ranges)).toBe(false);
    expect(isInRanges("garbage", ranges)).toBe(false);
  });

  it("reports the entries it could not read", () => {
    expect(parseTrustedProxies(" 10.0.0.1,, lb.internal 10.0.0.0/40 ").invalid).toEqual(["lb.internal", "10.0.0.0/40"]);
    expect(parseTrustedProxies("")).toEqual({ ranges: [], invalid: [] });
  });
});

describe("clientAddress", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8, ::1").ranges;

  it.each<[string, string | undefined, string | undefined, string, string]>([
    ["no trusted proxies: the header is ignored", "203.0.113.7", "1.2.3.4", "", "203.0.113.7"],
    ["no trusted proxies: a rotated claim from localhost", "127.0.0.1", "198.51.100.1", "", "127.0.0.1"],
    ["an untrusted peer's claim is ignored", "203.0.113.7", "1.2.3.4", "10.0.0.0/8", "203.0.113.7"],
    ["a trusted proxy: the hop it appended", "10.0.0.2", "1.2.3.4, 198.51.100.9", "10.0.0.0/8", "198.51.100.9"],
    ["two trusted proxies are skipped", "10.0.0.2", "1.2.3.4, 198.51.100.9, 10.0.0.3", "10.0.0.0/8", "198.51.100.9"],
    ["a trusted proxy without a header", "10.0.0.2", undefined, "10.0.0.0/8", "10.0.0.2"],
    ["only trusted hops: the leftmost one", "10.0.0.2", "10.0.0.4, 10.0.0.3", "10.0.0.0/8", "10.0.0.4"],
    ["garbage stops the walk at the last address vouched for", "10.0.0.2", "1.2.3.4, nonsense", "10.0.0.0/8", "10.0.0.2"],
    ["spaces and empty entries", "10.0.0.2", " 1.2.3.4 ,, 198.51.100.9 , ", "10.0.0.0/8", "198.51.100.9"],
    ["an IPv4-mapped peer", "::ffff:10.0.0.2", "198.51.100.9", "10.0.0.0/8", "198.51.100.9"],
    ["an IPv6 client through an IPv6 proxy", "::1", "2001:db8::5", "::1", "2001:db8:0:0:0:0:0:5"],
    ["no socket address", undefined, "1.2.3.4", "10.0.0.0/8", "unknown"],
  ])("%s", (_, peer, forwardedFor, trusted, expected) => {
    expect(clientAddress(peer, forwardedFor, parseTrustedProxies(trusted).ranges)).toBe(expected);
  });

  it("uses the proxies it was given", () => {
    expect(clientAddress("10.9.9.9", "198.51.100.9", proxies)).toBe("198.51.100.9");
  });
});
