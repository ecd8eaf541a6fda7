import "server-only";
import { DEFAULT_MATURATION_LIMIT, matureDueEarnings } from "@/server/services/earnings";
import { defineJob } from "./definition";

/**
 * Every minute, moves earnings whose hold has ended from pending to available. A run that hit its limit is
 * followed at once by another, so a backlog clears in one tick; concurrent workers take disjoint lots.
 */
export const earningsMatureJob = defineJob({
  name: "earnings.mature",
  schedule: { cron: "* * * * *" },
  queue: { policy: "singleton", retryLimit: 2 },
  async handler() {
    let moved: number;
    do {
      const run = await matureDueEarnings({ limit: DEFAULT_MATURATION_LIMIT });
      moved = run.batches.reduce((lots, batch) => lots + batch.lots, 0);
    } while (moved === DEFAULT_MATURATION_LIMIT);
  },
});
