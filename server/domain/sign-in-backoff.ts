/**
 * Sign-in backoff. Failed passwords are counted per key: one count per email for every browser that has not
 * signed in to that account before, and one count per known device. A few failures are free (typos); after
 * that each failure doubles the wait before the next attempt is even checked. Because a known device has its
 * own count, an attacker guessing from elsewhere makes the account wait for new devices only: the owner's
 * browser still signs in at once. Counts are forgotten a day after the last failure.
 */
export interface BackoffRule {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
}

export const SIGN_IN_BACKOFF: BackoffRule = {
  freeFailures: 5,
  baseDelayMs: 30_000,
  maxDelayMs: 60 * 60 * 1000,
  forgetAfterMs: 24 * 60 * 60 * 1000,
};

export interface BackoffState {
  failures: number;
  lastFailureAt: Date;
}

export type AttemptDecision =
  | { allowed: true; failures: number }
  | { allowed: false; retryAfterSeconds: number };

/** Failures still remembered at `now`. */
export function rememberedFailures(state: BackoffState, now: Date, rule: BackoffRule = SIGN_IN_BACKOFF): number {
  return now.getTime() - state.lastFailureAt.getTime() >= rule.forgetAfterMs ? 0 : Math.max(0, state.failures);
}

/** How long after the last failure the next attempt waits, given `failures` so far. */
export function delayAfterFailures(failures: number, rule: BackoffRule = SIGN_IN_BACKOFF): number {
  if (failures < rule.freeFailures) return 0;
  const doublings = failures - rule.freeFailures;
  // 2^31 and more would overflow long before; the cap is reached well under that.
  return doublings >= 31 ? rule.maxDelayMs : Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** doublings);
}

/**
 * Whether an attempt may have its password checked now. An allowed attempt is counted as a failure at once
 * (`failures` is the new count), so concurrent guesses can't all pass; a right password gives it back.
 */
export function decideAttempt(state: BackoffState, now: Date, rule: BackoffRule = SIGN_IN_BACKOFF): AttemptDecision {
  const failures = rememberedFailures(state, now, rule);
  const opensAt = state.lastFailureAt.getTime() + delayAfterFailures(failures, rule);
  const waitMs = opensAt - now.getTime();
  if (failures >= rule.freeFailures && waitMs > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
  return { allowed: true, failures: failures + 1 };
}
