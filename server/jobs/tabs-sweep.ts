import "server-only";
import { runTabSweep } from "@/server/services/tabs";
import { defineJob } from "./definition";
import { enqueueJob } from "./enqueue";

/** How long after one sweep the next one starts. */
export const TAB_SWEEP_INTERVAL_SECONDS = 5;

/**
 * The card tabs' sweep (server/services/tabs/sweep.ts): split captures and closings that are due, and whatever a
 * crash left halfway. It reschedules itself like the shows' sweep (see shows-sweep.ts for why); the cron is its
 * watchdog. Money never depends on the cadence: every step is keyed, so a late sweep does the same, later.
 */
export const tabsSweepJob = defineJob({
  name: "tabs.sweep",
  schedule: { cron: "* * * * *" },
  startOnBoot: { data: {} },
  queue: { policy: "stately", retryLimit: 3, retryDelay: 2, expireInSeconds: 120 },
  work: { pollingIntervalSeconds: 1 },
  async handler(): Promise<void> {
    await runTabSweep();
    await enqueueJob("tabs.sweep", {}, { startAfter: TAB_SWEEP_INTERVAL_SECONDS });
  },
});
