import "server-only";

/**
 * The cookies of a Cookie header, read the way NextRequest.cookies reads them (@edge-runtime/cookies), so a
 * request answered outside Next.js sees the same session: pairs split on `;`, values URI-decoded, a pair whose
 * value does not decode dropped, a name without `=` set to "true", and a repeated name keeping its last value.
 */
export function parseCookieHeader(header: string | undefined): Array<{ name: string; value: string }> {
  const cookies = new Map<string, string>();
  for (const pair of (header ?? "").split(/; */)) {
    if (!pair) continue;
    const splitAt = pair.indexOf("=");
    if (splitAt === -1) {
      cookies.set(pair, "true");
      continue;
    }
    try {
      cookies.set(pair.slice(0, splitAt), decodeURIComponent(pair.slice(splitAt + 1)));
    } catch {
      // Not valid percent-encoding: dropped, as Next.js drops it.
    }
  }
  return [...cookies].map(([name, value]) => ({ name, value }));
}
