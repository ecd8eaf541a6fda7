import "server-only";
import { runShowSweep } from "@/server/services/shows";
import { defineJob } from "./definition";
import { enqueueJob } from "./enqueue";

/** How long after one sweep the next one starts. */
export const SHOW_SWEEP_INTERVAL_SECONDS = 5;

/**
 * The show meters' sweep (server/services/shows/sweep.ts): settles due charges, pauses, resumes and ends meters.
 *
 * pg-boss cron fires at most once a minute, and meters need a sweep every few seconds, so the job reschedules
 * itself: each run queues the next one SHOW_SWEEP_INTERVAL_SECONDS later. The queue is `stately` (at most one
 * queued and one running job), so any number of workers run one sweep at a time and extra sends are dropped. The
 * chain starts when a worker starts (startOnBoot); the per-minute cron is only the watchdog that restarts it when a
 * worker died between a run and its successor; a run that dies mid-sweep expires after a minute and is retried. Money never depends on the cadence:
 * charges follow the database clock, so a late sweep posts the same charges, only later.
 */
export const showsSweepJob = defineJob({
  name: "shows.sweep",
  schedule: { cron: "* * * * *" },
  startOnBoot: { data: {} },
  queue: { policy: "stately", retryLimit: 3, retryDelay: 2, expireInSeconds: 60 },
  work: { pollingIntervalSeconds: 1 },
  async handler(): Promise<void> {
    await runShowSweep();
    await enqueueJob("shows.sweep", {}, { startAfter: SHOW_SWEEP_INTERVAL_SECONDS });
  },
});
