import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Pusher's three HMAC-SHA256 schemes, checked the way the `pusher` server library produces them
 * (node_modules/pusher/lib/{auth,requests,token}.js): channel authorisation strings, signed HTTP API requests,
 * and webhook bodies.
 */

export interface AppCredentials {
  appId: string;
  key: string;
  secret: string;
}

export function hmacSha256Hex(secret: string, data: string): string {
  return createHmac("sha256", secret).update(data, "utf8").digest("hex");
}

export function md5Hex(data: string): string {
  return createHash("md5").update(data, "utf8").digest("hex");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A subscription's `auth` is `key:HMAC(secret, "socket_id:channel")`, with `:channel_data` appended for presence
 * channels so the member identity cannot be swapped after signing.
 */
export function isValidChannelAuth(
  app: AppCredentials,
  request: { socketId: string; channel: string; auth: string; channelData?: string },
): boolean {
  const signed = [request.socketId, request.channel];
  if (request.channelData !== undefined) signed.push(request.channelData);
  return isValidKeyedSignature(app, request.auth, signed.join(":"));
}

/** User authentication (pusher:signin): `auth` is `key:HMAC(secret, "socket_id::user::user_data")`. */
export function isValidUserAuth(app: AppCredentials, request: { socketId: string; userData: string; auth: string }): boolean {
  return isValidKeyedSignature(app, request.auth, `${request.socketId}::user::${request.userData}`);
}

function isValidKeyedSignature(app: AppCredentials, auth: string, signed: string): boolean {
  const separator = auth.indexOf(":");
  if (separator < 0) return false;
  const key = auth.slice(0, separator);
  const signature = auth.slice(separator + 1);
  return constantTimeEqual(key, app.key) && constantTimeEqual(signature, hmacSha256Hex(app.secret, signed));
}

/** How far `auth_timestamp` may be from the server clock, as Pusher allows. */
export const MAX_REQUEST_CLOCK_SKEW_SECONDS = 600;

export type RequestVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Signed HTTP API requests carry auth_key, auth_timestamp, auth_version=1.0, body_md5 (when there is a body) and
 * auth_signature = HMAC(secret, "METHOD\npath\nquery"), where query is every other parameter as key=value,
 * keys lower-cased and sorted, values unescaped, joined with "&".
 */
export function verifySignedRequest(
  app: AppCredentials,
  request: { method: string; path: string; query: URLSearchParams; body: string; nowSeconds: number },
): RequestVerdict {
  const { query } = request;
  const signature = query.get("auth_signature");
  const timestamp = Number(query.get("auth_timestamp"));
  if (!signature || !query.get("auth_key") || !query.get("auth_timestamp")) {
    return { ok: false, reason: "auth_key, auth_timestamp and auth_signature are required" };
  }
  if (query.get("auth_key") !== app.key) return { ok: false, reason: "Unknown auth_key" };
  if (query.get("auth_version") !== "1.0") return { ok: false, reason: "auth_version must be 1.0" };
  if (!Number.isInteger(timestamp) || Math.abs(request.nowSeconds - timestamp) > MAX_REQUEST_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: `Timestamp expired: auth_timestamp must be within ${MAX_REQUEST_CLOCK_SKEW_SECONDS} s of the server time` };
  }
  if (request.body.length > 0 && query.get("body_md5") !== md5Hex(request.body)) {
    return { ok: false, reason: "body_md5 does not match the request body" };
  }
  const expected = hmacSha256Hex(app.secret, stringToSign(request.method, request.path, query));
  if (!constantTimeEqual(signature, expected)) return { ok: false, reason: "Invalid signature" };
  return { ok: true };
}

function stringToSign(method: string, path: string, query: URLSearchParams): string {
  const pairs = [...query.entries()]
    .filter(([key]) => key !== "auth_signature")
    .map(([key, value]) => [key.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`);
  return [method.toUpperCase(), path, pairs.join("&")].join("\n");
}

/** Webhooks are signed over the raw body; receivers check X-Pusher-Signature with the same secret. */
export function webhookSignature(secret: string, body: string): string {
  return hmacSha256Hex(secret, body);
}
