import "server-only";
import { cookies } from "next/headers";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { clientIpFrom } from "@/server/auth/client-ip";
import { SESSION_MAX_AGE_SECONDS, secureCookies } from "@/server/auth/cookies";
import { DEVICE_COOKIE_NAME, deviceCookieOptions } from "@/server/auth/known-devices";
import { type SignInResult, attemptSignIn } from "@/server/auth/sign-in";
import { rateLimitedErrorCode, suspendedErrorCode, unavailableErrorCode } from "@/server/auth/sign-in-errors";
import { type SessionUser, loadActiveSessionUser } from "@/server/auth/session-user";
import { env } from "@/server/env";

// next-auth v4 builds its absolute URLs (redirects, CSRF checks) from NEXTAUTH_URL and otherwise guesses
// http://localhost:3000, which is wrong for every port but the dev one.
process.env.NEXTAUTH_URL ??= env.APP_URL;

/** Thrown by the jwt callback when a session was revoked; next-auth then clears the cookie. Not an error to log. */
class SessionRevoked extends Error {
  constructor() {
    super("session revoked");
    this.name = "SessionRevoked";
  }
}

export const authOptions: NextAuthOptions = {
  secret: env.AUTH_SECRET,
  useSecureCookies: secureCookies,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, request) {
        let result: SignInResult;
        try {
          // Runs inside the /api/auth route handler, whose cookies() both reads this request's and sets the
          // response's.
          const cookieStore = await cookies();
          result = await attemptSignIn({
            email: credentials?.email ?? "",
            password: credentials?.password ?? "",
            ip: clientIpFrom(request.headers ?? {}),
            deviceToken: cookieStore.get(DEVICE_COOKIE_NAME)?.value,
          });
          if (result.ok) cookieStore.set(DEVICE_COOKIE_NAME, result.deviceToken, deviceCookieOptions);
        } catch (error) {
          // next-auth puts a thrown message into the redirect URL; only our own codes may get there.
          console.error("[auth] sign-in failed unexpectedly", error);
          throw new Error(unavailableErrorCode);
        }
        if (result.ok) {
          const { user } = result;
          return {
            id: user.id,
            email: user.email,
            name: user.displayName,
            username: user.username,
            role: user.role,
            sessionVersion: user.sessionVersion,
          };
        }
        if (result.reason === "rate_limited") throw new Error(rateLimitedErrorCode(result.retryAfterSeconds));
        if (result.reason === "suspended") throw new Error(suspendedErrorCode);
        return null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        return {
          ...token,
          sub: user.id,
          name: user.name,
          email: user.email,
          username: user.username,
          role: user.role,
          sessionVersion: user.sessionVersion,
        };
      }
      // Every later call comes from the browser fetching its session. Refreshing role and name here keeps
      // the proxy's JWT role current after an approval, and a revoked session ends on its next fetch.
      if (!token.sub || token.sessionVersion === undefined) throw new SessionRevoked();
      let current: SessionUser | null;
      try {
        current = await loadActiveSessionUser(token.sub, token.sessionVersion);
      } catch (error) {
        // A database hiccup is not a revocation: throwing here would make next-auth delete the cookie and sign
        // the user out. Keep the token; every page and procedure still checks the database itself.
        console.error("[auth] session refresh failed; keeping the token unchanged", error);
        return token;
      }
      if (!current) throw new SessionRevoked();
      return { ...token, name: current.displayName, username: current.username, role: current.role };
    },
    session({ session, token }) {
      if (!token.sub || !token.role || !token.username) return session;
      return {
        ...session,
        user: {
          id: token.sub,
          email: token.email ?? "",
          name: token.name ?? token.username,
          username: token.username,
          role: token.role,
        },
      };
    },
  },
  logger: {
    error(code, metadata) {
      if (metadata instanceof SessionRevoked) return;
      console.error(`[next-auth] ${code}`, metadata);
    },
    warn(code) {
      console.warn(`[next-auth] ${code}`);
    },
    debug() {},
  },
};
