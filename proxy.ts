import { getToken } from "next-auth/jwt";
import { type NextRequest, NextResponse } from "next/server";
import { areaForPath, roleCanEnter, signInPathFor } from "@/server/auth/areas";
import { SESSION_COOKIE_NAME, secureCookies } from "@/server/auth/cookies";
import { REQUEST_PATH_HEADER } from "@/server/auth/request-path";
import { env } from "@/server/env";

/**
 * First gate for the role areas, from the JWT alone (no database): signed-out visitors go to sign in, wrong
 * roles to the forbidden page. The area layouts and pages check again against the database, and so does every
 * tRPC procedure, so a suspended user with a still-valid JWT gets past this gate and no further.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(REQUEST_PATH_HEADER, `${pathname}${search}`);
  const pass = () => NextResponse.next({ request: { headers: requestHeaders } });

  const area = areaForPath(pathname);
  if (!area) return pass();

  const token = await getToken({
    req: request,
    secret: env.AUTH_SECRET,
    secureCookie: secureCookies,
    cookieName: SESSION_COOKIE_NAME,
  });
  if (!token?.role) {
    return NextResponse.redirect(new URL(signInPathFor(`${pathname}${search}`), request.url));
  }
  if (!roleCanEnter(token.role, area)) {
    const forbidden = new URL("/forbidden", request.url);
    forbidden.searchParams.set("area", area);
    forbidden.searchParams.set("from", `${pathname}${search}`);
    return NextResponse.redirect(forbidden);
  }
  return pass();
}

export const config = {
  // Pages only: API routes authorize themselves, static assets need no session.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|.*\\.(?:png|jpg|jpeg|svg|webp|ico|txt|xml)$).*)"],
};
