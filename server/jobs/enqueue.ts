import "server-only";
import type PgBoss from "pg-boss";
import { env } from "@/server/env";
import { createBoss } from "./boss";
import type { JobData, JobName } from "./registry";

// One sending-only boss per process; kept on globalThis so Next.js dev reloads reuse it instead of leaking pools.
const holder = globalThis as typeof globalThis & { tipmeterJobSender?: Promise<PgBoss> };

function jobSender(): Promise<PgBoss> {
  if (!holder.tipmeterJobSender) {
    if (!env.DATABASE_URL) throw new Error("DATABASE_URL is required to enqueue jobs");
    // No maintenance or cron duties here: those belong to the worker.
    const boss = createBoss({ connectionString: env.DATABASE_URL, application_name: "tipmeter-app-jobs", max: 2, supervise: false, schedule: false });
    holder.tipmeterJobSender = boss.start().catch((error: unknown) => {
      holder.tipmeterJobSender = undefined;
      throw error;
    });
  }
  return holder.tipmeterJobSender;
}

/**
 * Queues a registered job; returns its id, or null when a singleton/throttle option suppressed it. Pass
 * `options.db` (an `executeSql` wrapper around an open transaction) to enqueue atomically with other writes.
 */
export async function enqueueJob<Name extends JobName>(
  name: Name,
  data: JobData<Name>,
  options: PgBoss.SendOptions = {},
): Promise<string | null> {
  const boss = await jobSender();
  return boss.send(name, data, options);
}
