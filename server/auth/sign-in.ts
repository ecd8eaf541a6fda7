import "server-only";
import { spendVerificationTime, verifyPassword } from "@/server/auth/password";
import type { RateLimitRule } from "@/server/domain/rate-limit";
import { findKnownDevice, newDeviceToken, rememberDevice } from "@/server/auth/known-devices";
import { consumeRateLimit, refundRateLimit } from "@/server/auth/rate-limiter";
import { claimSignInAttempt, giveBackSignInAttempt } from "@/server/auth/sign-in-backoff-store";
import { type SessionUser, sessionUserSelect } from "@/server/auth/session-user";
import { prisma } from "@/server/db/client";
import { signInSchema } from "@/server/domain/user-rules";

const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;

/**
 * Per IP: slows one client spraying many accounts, with headroom for several people behind one NAT. Guessing
 * one account's password is slowed by the backoff (server/domain/sign-in-backoff.ts).
 */
export const SIGN_IN_LIMITS = {
  perIp: { limit: 30, windowMs: FIFTEEN_MINUTES_MS },
} as const satisfies Record<string, RateLimitRule>;

export type SignInResult =
  /** `deviceToken` is this browser's device cookie from now on (the one it sent, or a new one). */
  | { ok: true; user: SessionUser; deviceToken: string }
  | { ok: false; reason: "invalid_credentials" | "suspended" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

export interface SignInAttempt {
  email: string;
  password: string;
  ip: string;
  /** The browser's device cookie, if it has one. */
  deviceToken?: string;
  now?: Date;
}

/**
 * Every attempt is counted before the password is checked, so parallel guesses can't slip past the limits; an
 * attempt with the right password is given back. Failures count against the account for browsers it doesn't
 * know, and separately for each browser it does, so guesses from elsewhere never make the owner's browser wait.
 * An unknown email has a count like any account, so the answers don't tell which emails exist.
 */
export async function attemptSignIn(attempt: SignInAttempt): Promise<SignInResult> {
  const parsed = signInSchema.safeParse({ email: attempt.email, password: attempt.password });
  if (!parsed.success) return { ok: false, reason: "invalid_credentials" };
  const { email, password } = parsed.data;
  const now = attempt.now ?? new Date();

  const ipHit = await consumeRateLimit(`sign-in:ip:${attempt.ip}`, SIGN_IN_LIMITS.perIp, now);
  if (!ipHit.allowed) return { ok: false, reason: "rate_limited", retryAfterSeconds: ipHit.retryAfterSeconds };

  const user = await prisma.user.findUnique({
    where: { email },
    select: { ...sessionUserSelect, status: true, passwordHash: true, emailConfirmedAt: true },
  });
  const knownDeviceId = user ? await findKnownDevice(user.id, attempt.deviceToken) : null;
  const backoffKey = knownDeviceId ? `device:${knownDeviceId}` : `email:${email}`;
  const decision = await claimSignInAttempt(backoffKey, now);
  if (!decision.allowed) return { ok: false, reason: "rate_limited", retryAfterSeconds: decision.retryAfterSeconds };

  if (!user) {
    await spendVerificationTime(password);
    return { ok: false, reason: "invalid_credentials" };
  }
  if (!(await verifyPassword(user.passwordHash, password))) return { ok: false, reason: "invalid_credentials" };
  // Until its email is confirmed an account answers exactly like a wrong password, attempt kept counted:
  // otherwise signing in with the password just given at sign-up would tell a new email from a taken one.
  if (user.emailConfirmedAt === null) return { ok: false, reason: "invalid_credentials" };

  await Promise.all([refundRateLimit(ipHit), giveBackSignInAttempt(backoffKey)]);
  if (user.status !== "ACTIVE") return { ok: false, reason: "suspended" };
  const deviceToken = attempt.deviceToken ?? newDeviceToken();
  await rememberDevice(user.id, deviceToken, now);
  return {
    ok: true,
    deviceToken,
    user: {
      id: user.id,
      email: user.email,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      sessionVersion: user.sessionVersion,
    },
  };
}
