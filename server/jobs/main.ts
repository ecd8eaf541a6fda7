import "@/server/outside-next";
import { pool } from "@/server/db/client";
import { env } from "@/server/env";
import { startOutboxRelay } from "@/server/outbox/relay";
import { type JobDefinition, jobs } from "./registry";
import { startWorker } from "./worker";

// `npm run dev` and `npm start` run this as a child process; production may run any number of copies.
async function main(): Promise<void> {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is required to run the job worker");
  const worker = await startWorker({ databaseUrl: env.DATABASE_URL });
  const relay = await startOutboxRelay({ databaseUrl: env.DATABASE_URL, pool });
  const registered: readonly JobDefinition[] = jobs;
  const names = registered.map((job) => job.name);
  console.log(`job worker ready; jobs: ${names.length > 0 ? names.join(", ") : "none registered"}; outbox relay running`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`job worker: ${signal} again, exiting without waiting for running jobs`);
      process.exit(1);
    }
    stopping = true;
    Promise.all([worker.close(), relay.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("job worker: stop failed:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error("job worker:", error instanceof Error ? error.message : error);
  process.exit(1);
});
