type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The client address for rate limiting. Each proxy appends the address it received the request from, so the
 * last X-Forwarded-For entry is the one our own edge saw; earlier entries are whatever the client claimed.
 * Next.js fills the header from the socket when no proxy did.
 */
export function clientIpFrom(headers: HeaderSource): string {
  const forwarded = headerValue(headers, "x-forwarded-for");
  const lastHop = forwarded
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
  return lastHop ?? headerValue(headers, "x-real-ip")?.trim() ?? "unknown";
}
