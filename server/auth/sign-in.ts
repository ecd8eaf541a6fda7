import { spendVerificationTime, verifyPassword } from "@/server/auth/password";
import type { RateLimitRule } from "@/server/auth/rate-limit";
import { consumeRateLimit, refundRateLimit } from "@/server/auth/rate-limiter";
import { type SessionUser, sessionUserSelect } from "@/server/auth/session-user";
import { prisma } from "@/server/db/client";
import { signInSchema } from "@/server/domain/user-rules";

const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;

/**
 * Per email: slows guessing one account's password. Per IP: slows one client spraying many accounts, with
 * headroom for several people behind one NAT.
 */
export const SIGN_IN_LIMITS = {
  perEmail: { limit: 5, windowMs: FIFTEEN_MINUTES_MS },
  perIp: { limit: 30, windowMs: FIFTEEN_MINUTES_MS },
} as const satisfies Record<string, RateLimitRule>;

export type SignInResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "invalid_credentials" | "suspended" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

export interface SignInAttempt {
  email: string;
  password: string;
  ip: string;
  now?: Date;
}

/**
 * Every attempt is counted before the password is checked, so parallel guesses can't slip past the limit; an
 * attempt with the right password is given back, so people who sign in often are never locked out by it.
 */
export async function attemptSignIn(attempt: SignInAttempt): Promise<SignInResult> {
  const parsed = signInSchema.safeParse({ email: attempt.email, password: attempt.password });
  if (!parsed.success) return { ok: false, reason: "invalid_credentials" };
  const { email, password } = parsed.data;

  const hits = await Promise.all([
    consumeRateLimit(`sign-in:email:${email}`, SIGN_IN_LIMITS.perEmail, attempt.now),
    consumeRateLimit(`sign-in:ip:${attempt.ip}`, SIGN_IN_LIMITS.perIp, attempt.now),
  ]);
  const refused = hits.filter((hit) => !hit.allowed);
  if (refused.length > 0) {
    return {
      ok: false,
      reason: "rate_limited",
      retryAfterSeconds: Math.max(...refused.map((hit) => hit.retryAfterSeconds)),
    };
  }

  const user = await prisma.user.findUnique({
    where: { email },
    select: { ...sessionUserSelect, status: true, passwordHash: true },
  });
  if (!user) {
    await spendVerificationTime(password);
    return { ok: false, reason: "invalid_credentials" };
  }
  if (!(await verifyPassword(user.passwordHash, password))) return { ok: false, reason: "invalid_credentials" };

  await Promise.all(hits.map((hit) => refundRateLimit(hit)));
  if (user.status !== "ACTIVE") return { ok: false, reason: "suspended" };
  return {
    ok: true,
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
