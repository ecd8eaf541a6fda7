import "server-only";
import { prisma } from "@/server/db/client";
import { type RateLimitRule, isOverLimit, secondsUntilWindowEnds, windowStartFor } from "@/server/domain/rate-limit";

export interface RateLimitHit {
  key: string;
  allowed: boolean;
  hits: number;
  windowStart: Date;
  retryAfterSeconds: number;
}

/**
 * Counts one attempt against `key` and says whether it is allowed. One statement increments and returns the
 * count, so concurrent attempts on any number of app servers can never all read "4" and all pass.
 * A server whose clock lags computes an older window start; GREATEST keeps the newer window and counts the
 * attempt in it rather than resetting the count.
 */
export async function consumeRateLimit(key: string, rule: RateLimitRule, now: Date = new Date()): Promise<RateLimitHit> {
  const windowStart = windowStartFor(now, rule.windowMs);
  const rows = await prisma.$queryRaw<Array<{ hits: number; windowStart: Date }>>`
    INSERT INTO rate_limit_windows AS current (key, window_start, hits)
    VALUES (${key}, ${windowStart}, 1)
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN current.window_start < EXCLUDED.window_start THEN 1 ELSE current.hits + 1 END,
      window_start = GREATEST(current.window_start, EXCLUDED.window_start)
    RETURNING hits, window_start AS "windowStart"`;
  const row = rows[0];
  if (!row) throw new Error(`rate limit upsert for ${key} returned no row`);
  return {
    key,
    allowed: !isOverLimit(row.hits, rule),
    hits: row.hits,
    windowStart: row.windowStart,
    retryAfterSeconds: secondsUntilWindowEnds(row.windowStart, rule.windowMs, now),
  };
}

/** Gives back an attempt that turned out legitimate, but only within the window it was counted in. */
export async function refundRateLimit(hit: Pick<RateLimitHit, "key" | "windowStart">): Promise<void> {
  await prisma.$executeRaw`
    UPDATE rate_limit_windows SET hits = hits - 1
    WHERE key = ${hit.key} AND window_start = ${hit.windowStart} AND hits > 0`;
}
