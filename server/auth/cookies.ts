import { env } from "@/server/env";

/**
 * The session cookie's name, shared by next-auth's options, the proxy's getToken and the session reader. Over
 * HTTPS next-auth prefixes it with __Secure-; all three must agree or the proxy would see nobody signed in.
 */
export const secureCookies = env.APP_URL.startsWith("https://");

export const SESSION_COOKIE_NAME = `${secureCookies ? "__Secure-" : ""}next-auth.session-token`;

/** Session lifetime: a stolen cookie is useless after this even if never revoked. */
export const SESSION_MAX_AGE_SECONDS = 14 * 24 * 60 * 60;
