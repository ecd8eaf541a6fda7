import { type NextRequest, NextResponse } from "next/server";
import { safeCallbackPath, signInPathFor } from "@/server/auth/areas";
import { SESSION_COOKIE_NAME, secureCookies } from "@/server/auth/cookies";
import { resolveSession } from "@/server/auth/session-token";

/**
 * Where pages send a browser whose session the server has ended (suspension, sessionVersion bump): server
 * components can't delete cookies, a route handler can. It only clears a session that really is revoked, so a
 * link to it can't sign anyone out.
 */
export async function GET(request: NextRequest) {
  const callbackPath = safeCallbackPath(request.nextUrl.searchParams.get("callbackUrl")) ?? "/";
  const session = await resolveSession(request.cookies);
  if (session.status === "active") return NextResponse.redirect(new URL(callbackPath, request.url));

  const response = NextResponse.redirect(new URL(signInPathFor(callbackPath, "session-ended"), request.url));
  for (const { name } of request.cookies.getAll()) {
    if (name === SESSION_COOKIE_NAME || name.startsWith(`${SESSION_COOKIE_NAME}.`)) {
      response.cookies.set(name, "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: secureCookies });
    }
  }
  return response;
}
