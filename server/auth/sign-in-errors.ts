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

function waitText(seconds: number): string {
  if (seconds < 60) {
    const whole = Math.max(1, Math.ceil(seconds));
    return `${whole} second${whole === 1 ? "" : "s"}`;
  }
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function signInErrorMessage(code: string): string {
  if (code === SUSPENDED) {
    return "This account is suspended. Contact support if you think this is a mistake.";
  }
  if (code.startsWith(`${RATE_LIMITED_PREFIX}.`)) {
    const seconds = Number(code.slice(RATE_LIMITED_PREFIX.length + 1));
    return `Too many failed sign-in attempts. Try again in ${waitText(Number.isFinite(seconds) ? seconds : 15 * 60)}.`;
  }
  if (code === "CredentialsSignin") return "That email and password don't match an account.";
  return "Sign-in is unavailable right now. Please try again in a moment.";
}
