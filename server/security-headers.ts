/**
 * Headers on every response. Framing is refused outright (one-click money buttons must not be clickjacked);
 * the policy also pins where forms may post and what <base> and plugins may do. Scripts are not restricted by
 * it yet: Next.js's inline payload scripts need per-request nonces first.
 */
export const CONTENT_SECURITY_POLICY = ["frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'", "object-src 'none'"].join("; ");

export interface ResponseHeader {
  key: string;
  value: string;
}

export function securityHeaders({ https }: { https: boolean }): ResponseHeader[] {
  const headers: ResponseHeader[] = [
    { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  ];
  // Only for a site served over HTTPS for good: a browser remembers it for two years.
  if (https) headers.push({ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" });
  return headers;
}
