/**
 * Which address a request came from, for rate limits. X-Forwarded-For is written by whoever sent the request,
 * so only the entries appended by proxies we run (TRUSTED_PROXIES) mean anything: start from the socket peer
 * and walk the header from the right while the hop we are looking at is one of ours. The first hop that is
 * not ours is the client. With no trusted proxies the header is ignored entirely.
 */

export interface AddressRange {
  version: 4 | 6;
  /** The network's first address, as a 32- or 128-bit number. */
  network: bigint;
  prefixLength: number;
}

export interface ParsedAddress {
  version: 4 | 6;
  value: bigint;
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith("0"))) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (half: string): string[] | null => (half === "" ? [] : half.split(":"));
  const head = groupsOf(halves[0] ?? "");
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
  if (!head || !tail) return null;
  const groups = [...head, ...tail];
  // An embedded IPv4 address (::ffff:192.0.2.1) fills the last two groups.
  const last = groups.at(-1);
  const words: number[] = [];
  for (const [index, group] of groups.entries()) {
    if (index === groups.length - 1 && last?.includes(".")) {
      const ipv4 = parseIpv4(group);
      if (ipv4 === null) return null;
      words.push(Number(ipv4 >> 16n), Number(ipv4 & 0xffffn));
    } else {
      if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
      words.push(Number.parseInt(group, 16));
    }
  }
  const compressed = halves.length === 2;
  if (compressed ? words.length > 7 : words.length !== 8) return null;
  const filled = compressed
    ? [...words.slice(0, head.length), ...Array<number>(8 - words.length).fill(0), ...words.slice(head.length)]
    : words;
  return filled.reduce((value, word) => (value << 16n) | BigInt(word), 0n);
}

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

/**
 * An IPv4 or IPv6 address; an IPv4-mapped IPv6 address (how a dual-stack socket reports IPv4 peers) is its
 * IPv4 address, so `::ffff:10.0.0.1` matches a `10.0.0.0/8` setting.
 */
export function parseAddress(text: string): ParsedAddress | null {
  const trimmed = text.trim().replace(/^\[(.*)\]$/, "$1");
  const ipv4 = parseIpv4(trimmed);
  if (ipv4 !== null) return { version: 4, value: ipv4 };
  const ipv6 = parseIpv6(trimmed.replace(/%.*$/, ""));
  if (ipv6 === null) return null;
  if (ipv6 >> 32n === IPV4_MAPPED_PREFIX >> 32n) return { version: 4, value: ipv6 & 0xffffffffn };
  return { version: 6, value: ipv6 };
}

/** The address as written for rate-limit keys: IPv4-mapped addresses become plain IPv4. */
export function canonicalAddress(text: string): string | null {
  const parsed = parseAddress(text);
  if (!parsed) return null;
  if (parsed.version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((parsed.value >> shift) & 0xffn)).join(".");
  const words = Array.from({ length: 8 }, (_, index) => ((parsed.value >> BigInt((7 - index) * 16)) & 0xffffn).toString(16));
  return words.join(":");
}

/** `10.0.0.1`, `10.0.0.0/8`, `2001:db8::/32`; null when the text is neither an address nor a valid range. */
export function parseAddressRange(text: string): AddressRange | null {
  const [addressText, prefixText, ...rest] = text.trim().split("/");
  if (rest.length > 0 || addressText === undefined) return null;
  const address = parseAddress(addressText);
  if (!address) return null;
  const bits = address.version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefixLength = prefixText === undefined ? bits : Number(prefixText);
  if (prefixLength > bits) return null;
  const hostBits = BigInt(bits - prefixLength);
  return { version: address.version, network: (address.value >> hostBits) << hostBits, prefixLength };
}

/** A comma- or space-separated list of ranges; the invalid entries are returned so config errors name them. */
export function parseTrustedProxies(text: string): { ranges: AddressRange[]; invalid: string[] } {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  const ranges: AddressRange[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    const range = parseAddressRange(entry);
    if (range) ranges.push(range);
    else invalid.push(entry);
  }
  return { ranges, invalid };
}

export function isInRanges(address: string, ranges: readonly AddressRange[]): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  const bits = parsed.version === 4 ? 32 : 128;
  return ranges.some((range) => {
    if (range.version !== parsed.version) return false;
    const hostBits = BigInt(bits - range.prefixLength);
    return (parsed.value >> hostBits) << hostBits === range.network;
  });
}

export const UNKNOWN_CLIENT = "unknown";

/**
 * The client behind a request that reached us from `peer` carrying `forwardedFor` (the X-Forwarded-For values,
 * repeated headers joined in order). An entry that is not an address ends the walk: a proxy we trust wrote it,
 * so something is misconfigured, and the last address we could vouch for is used.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trusted: readonly AddressRange[]): string {
  const peerAddress = peer === undefined ? null : canonicalAddress(peer);
  if (peerAddress === null) return UNKNOWN_CLIENT;
  let client = peerAddress;
  if (!isInRanges(client, trusted)) return client;
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (const hop of hops.reverse()) {
    const address = canonicalAddress(hop);
    if (address === null) return client;
    client = address;
    if (!isInRanges(client, trusted)) return client;
  }
  return client;
}
