import "server-only";
import pg from "pg";
import type PgBoss from "pg-boss";
import { createBoss } from "./boss";
import { type JobDefinition, jobs as registeredJobs } from "./registry";

export interface WorkerOptions {
  databaseUrl: string;
  /** The registry's jobs unless given; tests pass their own. */
  jobs?: readonly JobDefinition[];
}

export interface JobWorker {
  /** Stops fetching, lets running handlers finish (up to 30 s), then closes the connections. */
  close(): Promise<void>;
}

const GRACEFUL_STOP_MS = 30_000;

/**
 * Runs the background jobs: installs or upgrades pg-boss's schema, creates each job's queue, keeps cron
 * schedules in step with the registry and works every queue. Any number of workers may run at once.
 */
export async function startWorker({ databaseUrl, jobs = registeredJobs }: WorkerOptions): Promise<JobWorker> {
  const boss = createBoss({ connectionString: databaseUrl, application_name: "tipmeter-worker" });
  try {
    await oneAtATime(databaseUrl, async () => {
      await boss.start();
      for (const job of jobs) {
        const queue = { ...job.queue, name: job.name };
        await boss.createQueue(job.name, queue);
        // createQueue leaves an existing queue as it was; this applies edited options.
        await boss.updateQueue(job.name, queue);
      }
      await syncSchedules(boss, jobs);
    });
    for (const job of jobs) {
      await boss.work<object>(job.name, job.work ?? {}, (batch) => runLogged(job, batch));
    }
    for (const job of jobs) {
      if (job.startOnBoot) await boss.send(job.name, job.startOnBoot.data);
    }
  } catch (error) {
    await boss.stop({ graceful: false });
    throw error;
  }
  return { close: () => boss.stop({ graceful: true, timeout: GRACEFUL_STOP_MS }) };
}

/**
 * Runs a worker's setup while no other worker sets up: pg-boss's schema install and its queue creation (a
 * partition table attached per queue) deadlock when several workers start at once. The lock is a session's
 * advisory lock on a connection of its own, so a worker killed mid-setup releases it with its connection.
 */
async function oneAtATime(databaseUrl: string, setup: () => Promise<void>): Promise<void> {
  const session = new pg.Client({ connectionString: databaseUrl, application_name: "tipmeter-worker-setup" });
  session.on("error", (error) => console.error(`[jobs] setup lock connection: ${error.message}`));
  await session.connect();
  try {
    await session.query("SELECT pg_advisory_lock(hashtext('tipmeter:job-worker-setup'))");
    await setup();
  } finally {
    await session.end();
  }
}

async function runLogged(job: JobDefinition, batch: PgBoss.Job<object>[]): Promise<void> {
  try {
    await job.handler(batch);
  } catch (error) {
    const ids = batch.map((item) => item.id).join(", ");
    console.error(`[jobs] ${job.name} failed (job ${ids}):`, error);
    throw error;
  }
}

// Schedules live in the database; a job whose schedule was removed from the registry must stop firing.
async function syncSchedules(boss: PgBoss, jobs: readonly JobDefinition[]): Promise<void> {
  const scheduledNames = new Set(jobs.filter((job) => job.schedule).map((job) => job.name));
  for (const existing of await boss.getSchedules()) {
    if (!scheduledNames.has(existing.name)) await boss.unschedule(existing.name);
  }
  for (const job of jobs) {
    if (job.schedule) {
      await boss.schedule(job.name, job.schedule.cron, job.schedule.data ?? {}, { tz: job.schedule.tz });
    }
  }
}
