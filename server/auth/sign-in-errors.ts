/**
 * next-auth carries a failed sign-in to the browser as one `error` string. These codes are that string for our
 * own refusals (its own "CredentialsSignin" means wrong email or password); the sign-in page turns them into
 * sentences. Pure so the page can import it.
 */
const RATE_LIMITED_PREFIX = "TooManyAttempts";
const SUSPENDED = "AccountSuspended";

export function rateLimitedErrorCode(retryAfterSeconds: number): string {
  return `${RATE_LIMITED_PREFIX}.${Math.ceil(retryAfterSeconds)}`;
}

export const suspendedErrorCode = SUSPENDED;
export const unavailableErrorCode = "SignInUnavailable";

export function signInErrorMessage(code: string): string {
  if (code === SUSPENDED) {
    return "This account is suspended. Contact support if you think this is a mistake.";
  }
  if (code.startsWith(`${RATE_LIMITED_PREFIX}.`)) {
    const seconds = Number(code.slice(RATE_LIMITED_PREFIX.length + 1));
    const minutes = Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds / 60)) : 15;
    return `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  }
  if (code === "CredentialsSignin") return "That email and password don't match an account.";
  return "Sign-in is unavailable right now. Please try again in a moment.";
}
