/**
 * Headers on every response. Framing is refused outright (one-click money buttons must not be clickjacked);
 * the base policy also pins where forms may post and what <base> and plugins may do. Pages get a stricter
 * policy from the proxy, per request: scripts run only with that request's nonce (Next.js stamps it on its own
 * inline payload and chunk scripts) or when loaded by such a script ('strict-dynamic'), so an injected
 * <script> or inline handler never runs.
 */
const BASE_DIRECTIVES = ["frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'", "object-src 'none'"];

export const CONTENT_SECURITY_POLICY = BASE_DIRECTIVES.join("; ");

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

/** Where the browser's pusher-js opens its socket: a self-hosted Pusher-protocol server, or hosted Pusher. */
export type RealtimeServer = { host: string; port?: number; tls: boolean } | { cluster: string };

export function realtimeOrigins(server: RealtimeServer): string[] {
  if ("cluster" in server) return [`wss://ws-${server.cluster}.pusher.com`];
  const hostPart = server.host.includes(":") ? `[${server.host}]` : server.host;
  const authority = server.port === undefined ? hostPart : `${hostPart}:${server.port}`;
  return [`${server.tls ? "wss" : "ws"}://${authority}`];
}

export interface PagePolicyOptions {
  nonce: string;
  realtime: RealtimeServer;
  /** `next dev` evaluates modules with eval() for its fast refresh. */
  development: boolean;
  https: boolean;
}

export function pageContentSecurityPolicy({ nonce, realtime, development, https }: PagePolicyOptions): string {
  const scripts = ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])];
  const directives = [
    "default-src 'self'",
    `script-src ${scripts.join(" ")}`,
    // React writes style attributes inline; styles can't run code, so they need no nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self' ${realtimeOrigins(realtime).join(" ")}`,
    ...BASE_DIRECTIVES,
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** 128 random bits, base64: unguessable, and fresh for every page request. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
