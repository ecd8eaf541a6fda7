import "server-only";
import { pool } from "@/server/db/client";
import { foldHotAccounts } from "@/server/ledger/balances";
import { defineJob } from "./definition";
import { enqueueJob } from "./enqueue";

/** How long after one fold the next one starts. */
export const LEDGER_FOLD_INTERVAL_SECONDS = 5;

/** Folds every hot account's parked deltas into its cached balance, a thousand accounts per statement. */
export async function foldEveryHotAccount(): Promise<void> {
  let folded: number;
  do {
    folded = await foldHotAccounts(pool, 1000);
  } while (folded === 1000);
}

/**
 * Folds hot accounts' parked deltas into their cached balances every few seconds, so the deltas table stays short:
 * every read of a hot account's balance (a performer's pending earnings in each wallet update a tip announces) sums
 * its unfolded deltas, and a performer tipped a few hundred times a second parked thousands of them between folds
 * when this ran once a minute. It reschedules itself like the shows' sweep (see shows-sweep.ts); the cron is its
 * watchdog. Correctness never waits for it: every reader adds unfolded deltas to the cached balance.
 */
export const ledgerFoldJob = defineJob({
  name: "ledger.fold",
  schedule: { cron: "* * * * *" },
  startOnBoot: { data: {} },
  queue: { policy: "stately", retryLimit: 2, retryDelay: 2, expireInSeconds: 120 },
  work: { pollingIntervalSeconds: 1 },
  async handler(): Promise<void> {
    await foldEveryHotAccount();
    await enqueueJob("ledger.fold", {}, { startAfter: LEDGER_FOLD_INTERVAL_SECONDS });
  },
});
