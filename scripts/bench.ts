import "@/server/outside-next";
import { rm } from "node:fs/promises";
import path from "node:path";
import { findFreePort, startEmbeddedPostgres } from "@/server/db/embedded";
import { deployMigrations } from "@/server/db/migrations";

/**
 * `npm run bench`: each part measures a baseline and the shipped design in the same run against a real
 * PostgreSQL and prints the ratio. With BENCH_DATABASE_URL set, that (empty, migrated on the fly) database is
 * used; otherwise a fresh embedded PostgreSQL with default, durable settings.
 */
async function main(): Promise<void> {
  const external = process.env.BENCH_DATABASE_URL;
  const dataDir = path.join(".tmp", `bench-pg-${process.pid}`);
  const embedded = external ? null : await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
  const url = external ?? embedded?.url;
  if (!url) throw new Error("no database for the bench");
  try {
    await deployMigrations(url);
    // The parts import the app's modules, whose environment is read at import: the database is known only now.
    process.env.DATABASE_URL ??= url;
    const { benchLedger } = await import("./bench/ledger");
    const { benchMetering } = await import("./bench/metering");
    await benchLedger(url);
    await benchMetering(url);
  } finally {
    await embedded?.stop();
    if (embedded) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
