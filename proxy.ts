import { getToken } from "next-auth/jwt";
import { type NextRequest, NextResponse } from "next/server";
import { areaForPath, roleCanEnter, signInPathFor } from "@/server/auth/areas";
import { SESSION_COOKIE_NAME, secureCookies } from "@/server/auth/cookies";
import { REQUEST_PATH_HEADER } from "@/server/auth/request-path";
import { env } from "@/server/env";
import { newNonce, pageContentSecurityPolicy, type RealtimeServer } from "@/server/security-headers";

const realtime: RealtimeServer = env.PUSHER_HOST
  ? { host: env.PUSHER_HOST, port: env.PUSHER_PORT, tls: env.PUSHER_USE_TLS }
  : { cluster: env.PUSHER_CLUSTER };

/**
 * First gate for the role areas, from the JWT alone (no database): signed-out visitors go to sign in, wrong
 * roles to the forbidden page. The area layouts and pages check again against the database, and so does every
 * tRPC procedure, so a suspended user with a still-valid JWT gets past this gate and no further.
 *
 * Every page also gets its script policy here, with a fresh nonce: Next.js reads the nonce from the request's
 * Content-Security-Policy header and stamps it on the scripts it renders.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(REQUEST_PATH_HEADER, `${pathname}${search}`);
  const policy = pageContentSecurityPolicy({
    nonce: newNonce(),
    realtime,
    development: process.env.NODE_ENV === "development",
    https: env.APP_URL.startsWith("https://"),
  });
  requestHeaders.set("Content-Security-Policy", policy);
  const pass = () => {
    const response = NextResponse.next({ request: { headers: requestHeaders } });
    response.headers.set("Content-Security-Policy", policy);
    return response;
  };

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
