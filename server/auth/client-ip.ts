import "server-only";
/** A web Request's headers or a node:http request's. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The client address for rate limiting, as our app server (server/http/forwarded-for.ts) pinned it: it
 * replaces X-Forwarded-For with the one address it can vouch for, from the socket and TRUSTED_PROXIES. Only
 * `next dev`, which listens on this machine alone, passes a client's header through; the last entry is read
 * so a dev client's claim is at least the hop nearest to us.
 */
export function clientIpFrom(headers: HeaderSource): string {
  const forwarded = headerValue(headers, "x-forwarded-for");
  const lastHop = forwarded
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
  return lastHop ?? "unknown";
}
