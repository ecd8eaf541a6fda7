import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { SESSION_COOKIE_NAME } from "@/server/auth/cookies";
import type { SessionUser } from "@/server/auth/session-user";
import { env } from "@/server/env";

/** The `cookie` header a browser signed in as `user` sends, for calling route handlers in tests. */
export async function sessionCookie(user: SessionUser): Promise<string> {
  const token = await encode({
    token: { sub: user.id, role: user.role, username: user.username, sessionVersion: user.sessionVersion },
    secret: env.AUTH_SECRET,
  });
  return `${SESSION_COOKIE_NAME}=${token}`;
}

/** A GET to a route handler as `user` would send it (signed out when null). */
export async function routeRequestAs(user: SessionUser | null, url: string): Promise<NextRequest> {
  const headers = new Headers();
  if (user) headers.set("cookie", await sessionCookie(user));
  return new NextRequest(url, { headers });
}
