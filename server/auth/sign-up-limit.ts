import "server-only";
import { consumeRateLimit } from "@/server/auth/rate-limiter";
import type { RateLimitRule } from "@/server/domain/rate-limit";
import { DomainError } from "@/server/domain/errors";

/**
 * Sign-ups per client address: each costs an argon2 hash (deliberately slow), so an unlimited stream of them
 * is a cheap way to load the server, and to mass-create accounts.
 */
export const SIGN_UP_LIMIT: RateLimitRule = { limit: 20, windowMs: 60 * 60 * 1000 };

export async function limitSignUps(ip: string, now?: Date): Promise<void> {
  const hit = await consumeRateLimit(`sign-up:ip:${ip}`, SIGN_UP_LIMIT, now);
  if (!hit.allowed) {
    throw new DomainError("RATE_LIMITED", `Too many accounts were created from your network. Try again in ${Math.ceil(hit.retryAfterSeconds / 60)} minutes.`);
  }
}
