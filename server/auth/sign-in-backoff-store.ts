import "server-only";
import { prisma } from "@/server/db/client";
import { type AttemptDecision, decideAttempt } from "@/server/domain/sign-in-backoff";

/**
 * Applies server/domain/sign-in-backoff.ts to the sign_in_backoffs row of `key`. The row is locked for the
 * decision only (never during the password hash), so concurrent attempts on any number of servers are
 * decided one after another and each sees the others' counts.
 */
export async function claimSignInAttempt(key: string, now: Date): Promise<AttemptDecision> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO sign_in_backoffs (key, failures, last_failure_at) VALUES (${key}, 0, ${now})
      ON CONFLICT (key) DO NOTHING`;
    const rows = await tx.$queryRaw<Array<{ failures: number; lastFailureAt: Date }>>`
      SELECT failures, last_failure_at AS "lastFailureAt" FROM sign_in_backoffs WHERE key = ${key} FOR UPDATE`;
    const state = rows[0];
    if (!state) throw new Error(`sign-in backoff row for ${key} is missing`);
    const decision = decideAttempt(state, now);
    if (decision.allowed) {
      await tx.$executeRaw`
        UPDATE sign_in_backoffs SET failures = ${decision.failures}, last_failure_at = ${now} WHERE key = ${key}`;
    }
    return decision;
  });
}

/**
 * The right password: the attempt counted in advance was not a failure. Earlier failures stay (and fade after
 * a day): the owner signing in must not hand an attacker a fresh set of free guesses.
 */
export async function giveBackSignInAttempt(key: string): Promise<void> {
  await prisma.$executeRaw`UPDATE sign_in_backoffs SET failures = failures - 1 WHERE key = ${key} AND failures > 0`;
}
