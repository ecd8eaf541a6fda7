import "server-only";
import { pool } from "@/server/db/client";
import { foldHotAccounts } from "@/server/ledger/balances";
import { defineJob } from "./definition";

/**
 * Folds hot accounts' parked deltas into their cached balances every minute, so the deltas table stays short.
 * Correctness never waits for it: every reader adds unfolded deltas to the cached balance.
 */
export const ledgerFoldJob = defineJob({
  name: "ledger.fold",
  schedule: { cron: "* * * * *" },
  queue: { policy: "singleton", retryLimit: 2 },
  async handler() {
    let folded: number;
    do {
      folded = await foldHotAccounts(pool, 1000);
    } while (folded === 1000);
  },
});
