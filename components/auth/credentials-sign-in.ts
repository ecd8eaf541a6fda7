import { signIn } from "next-auth/react";

/**
 * Signs in through next-auth's credentials endpoint and returns next-auth's error code, or null on success.
 *
 * Right after a page loads, next-auth's session and CSRF requests can run at once and each set a fresh CSRF
 * cookie, so the token sent with the sign-in may no longer match the cookie. next-auth then answers with a
 * redirect to its own sign-in page ("csrf=true") and no error, as if it had worked. The second try runs with the
 * cookies settled; the failed one never reached the password check, so it didn't count against the rate limit.
 */
export async function signInWithCredentials(email: string, password: string): Promise<string | null> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const result = await signIn("credentials", { email, password, redirect: false });
    if (!result) return "SignInUnavailable";
    if (result.error) return result.error;
    if (!result.url?.includes("csrf=true")) return null;
  }
  return "SignInUnavailable";
}
