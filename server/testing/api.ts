import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import { appRouter } from "@/server/api/root";
import type { SessionUser } from "@/server/auth/session-user";
import { pool } from "@/server/db/client";
import { isDomainError } from "@/server/domain/errors";
import { checkInvariants } from "@/server/ledger/invariants";

/**
 * Integration-test support for driving the API the way the browser does. Importing this module loads the app
 * (and parses server/env): files that must set the environment first import it dynamically.
 */

/** The tRPC API as `user` (null: signed out) calls it. */
export const callerAs = (user: SessionUser | null) => appRouter.createCaller({ user, ip: "127.0.0.1" });

/** "OK" when `call` succeeds; else the DomainError code behind the tRPC error, or the tRPC code (auth, validation). */
export async function refusalCodeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return isDomainError(error.cause) ? error.cause.code : error.code;
    throw error;
  }
}

/** "OK" when `call` succeeds; else the tRPC error code the client receives. */
export async function trpcCodeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

/** How many ledger transactions exist: unchanged across a refusal means nothing was posted. */
/** The field errors a refusal carries for the form to show beside each input; fails when the call succeeds. */
export async function fieldErrorsOf(call: () => Promise<unknown>): Promise<Record<string, string[]>> {
  try {
    await call();
  } catch (error) {
    if (error instanceof TRPCError && isDomainError(error.cause)) return (error.cause.details?.fieldErrors ?? {}) as Record<string, string[]>;
    throw error;
  }
  throw new Error("expected a refusal");
}

export async function ledgerTransactionCount(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_transactions");
  return rows[0]?.n ?? 0;
}

export interface LedgerRowCounts {
  transactions: number;
  entries: number;
}

/** How many ledger transactions and entries exist, read in one statement: equal across a call means it posted nothing. */
export async function ledgerRowCounts(): Promise<LedgerRowCounts> {
  const { rows } = await pool.query<LedgerRowCounts>(
    "SELECT (SELECT count(*)::int FROM ledger_transactions) AS transactions, (SELECT count(*)::int FROM ledger_entries) AS entries",
  );
  return rows[0] ?? { transactions: 0, entries: 0 };
}

/** Fails unless every ledger invariant holds; run after each test, so a breach points at the test that made it. */
export async function expectLedgerInvariantsHold(): Promise<void> {
  const failed = (await checkInvariants(pool)).filter((result) => !result.passed);
  expect(failed).toEqual([]);
}
