import "server-only";
import { decode } from "next-auth/jwt";
import { SESSION_COOKIE_NAME } from "@/server/auth/cookies";
import { type SessionUser, loadActiveSessionUser } from "@/server/auth/session-user";
import { env } from "@/server/env";

export type SessionState =
  | { status: "anonymous" }
  /** A valid cookie whose session was ended on the server (suspension, sessionVersion bump). */
  | { status: "revoked" }
  | { status: "active"; user: SessionUser };

/** What both next/headers' cookies() and NextRequest.cookies offer. */
export interface CookieReader {
  getAll(): Array<{ name: string; value: string }>;
}

/** next-auth splits a cookie over 4 KB into name.0, name.1, ...; reassemble it the way next-auth does. */
function readSessionToken(cookieStore: CookieReader): string | null {
  const chunks = cookieStore
    .getAll()
    .filter(({ name }) => name === SESSION_COOKIE_NAME || name.startsWith(`${SESSION_COOKIE_NAME}.`))
    .map(({ name, value }) => ({ index: Number(name.slice(SESSION_COOKIE_NAME.length + 1) || 0), value }))
    .sort((a, b) => a.index - b.index);
  return chunks.length > 0 ? chunks.map((chunk) => chunk.value).join("") : null;
}

/** Decodes the session cookie and checks it against the database: the JWT alone is never trusted. */
export async function resolveSession(cookieStore: CookieReader): Promise<SessionState> {
  const rawToken = readSessionToken(cookieStore);
  if (!rawToken) return { status: "anonymous" };
  const token = await decode({ token: rawToken, secret: env.AUTH_SECRET }).catch(() => null);
  if (!token?.sub || typeof token.sessionVersion !== "number") return { status: "anonymous" };
  const user = await loadActiveSessionUser(token.sub, token.sessionVersion);
  return user ? { status: "active", user } : { status: "revoked" };
}
