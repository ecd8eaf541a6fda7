import "server-only";
import type PgBoss from "pg-boss";

/**
 * One background job: its queue, what runs it, and optionally a cron schedule. Add a definition to `jobs` in
 * registry.ts and the worker creates the queue, keeps the schedule in step and starts working it.
 */
export interface JobDefinition<Name extends string = string, Data extends object = object> {
  name: Name;
  /**
   * Gets a batch of `work.batchSize` jobs (default 1). Throwing fails the whole batch, which pg-boss retries
   * per the queue's retry options, so handlers must be idempotent. Declared as a method so a definition with
   * a specific payload still fits the registry's list type.
   */
  handler(jobs: PgBoss.Job<Data>[]): Promise<void>;
  /** Cron (5 fields, UTC unless tz is set); pg-boss sends one job per tick across all workers. */
  schedule?: { cron: string; data?: Data; tz?: string };
  /**
   * Sent once whenever a worker starts, for a job that reschedules itself: the chain then runs from the start
   * instead of waiting up to a minute for its cron watchdog. The queue's policy must drop the extra sends.
   */
  startOnBoot?: { data: Data };
  queue?: Omit<PgBoss.Queue, "name">;
  work?: Omit<PgBoss.WorkOptions, "includeMetadata">;
}

export function defineJob<Name extends string, Data extends object>(
  definition: JobDefinition<Name, Data>,
): JobDefinition<Name, Data> {
  return definition;
}
