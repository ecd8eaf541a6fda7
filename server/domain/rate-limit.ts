/**
 * Fixed-window rate limiting: time is cut into windows of `windowMs` aligned to the Unix epoch, so every app
 * server computes the same window for the same instant without talking to the others; the count lives in
 * the rate_limit_windows table (see server/auth/rate-limiter.ts). Pure math here.
 */
export interface RateLimitRule {
  /** Attempts allowed per window; the attempt that makes the count exceed it is refused. */
  limit: number;
  windowMs: number;
}

export function windowStartFor(now: Date, windowMs: number): Date {
  if (!Number.isInteger(windowMs) || windowMs <= 0) throw new RangeError("windowMs must be a positive integer");
  const epochMs = now.getTime();
  return new Date(epochMs - (((epochMs % windowMs) + windowMs) % windowMs));
}

/** Whole seconds until the window opened at `windowStart` ends; at least 1 so a client never retries at once. */
export function secondsUntilWindowEnds(windowStart: Date, windowMs: number, now: Date): number {
  const remainingMs = windowStart.getTime() + windowMs - now.getTime();
  return Math.max(1, Math.ceil(remainingMs / 1000));
}

export function isOverLimit(hits: number, rule: RateLimitRule): boolean {
  return hits > rule.limit;
}
