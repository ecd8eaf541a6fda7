import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { findFreePort, startEmbeddedPostgres } from "@/server/db/embedded";
import { deployMigrations } from "@/server/db/migrations";
import { TEMPLATE_DATABASE, testDatabasePrefix, withDatabaseName } from "./test-databases";

/**
 * Integration tests run against real PostgreSQL: an embedded server in .tmp/test-pg-<pid> (or the server of
 * TEST_DATABASE_URL). A template database gets every migration once; each test file then clones its own copy
 * (setup-database.ts), which takes milliseconds instead of replaying the migrations.
 */

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const tmpDir = path.join(repoRoot, ".tmp");

interface TestServer {
  adminUrl: string;
  stop(): Promise<void>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = String(process.pid);
  const server = await startTestServer(runId);
  try {
    const startedAt = performance.now();
    await buildTemplate(server.adminUrl);
    log(`template database with all migrations ready in ${Math.round(performance.now() - startedAt)} ms`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide("testDatabaseAdminUrl", server.adminUrl);
  project.provide("testRunId", runId);

  return async () => {
    try {
      await dropTestDatabases(server.adminUrl, runId);
    } finally {
      await server.stop();
    }
  };
}

async function startTestServer(runId: string): Promise<TestServer> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    const { hostname } = new URL(external);
    if (!["localhost", "127.0.0.1", "[::1]"].includes(hostname)) {
      throw new Error(`TEST_DATABASE_URL points at ${hostname}; integration tests create and drop databases, so only a local server is accepted.`);
    }
    return { adminUrl: external, stop: async () => {} };
  }

  await removeAbandonedDataDirs();
  const dataDir = path.join(tmpDir, `test-pg-${runId}`);
  await rm(dataDir, { recursive: true, force: true });
  const startedAt = performance.now();
  const embedded = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), ephemeral: true });
  log(`embedded PostgreSQL started in ${Math.round(performance.now() - startedAt)} ms`);
  return {
    adminUrl: embedded.adminUrl,
    stop: async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function buildTemplate(adminUrl: string): Promise<void> {
  await withAdmin(adminUrl, async (admin) => {
    await dropDatabase(admin, TEMPLATE_DATABASE);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(TEMPLATE_DATABASE)}`);
  });
  await deployMigrations(withDatabaseName(adminUrl, TEMPLATE_DATABASE));
  // Cloning fails while anyone is connected to the template; refusing connections keeps it that way.
  await withAdmin(adminUrl, (admin) =>
    admin.query(`ALTER DATABASE ${pg.escapeIdentifier(TEMPLATE_DATABASE)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`),
  );
}

async function dropTestDatabases(adminUrl: string, runId: string): Promise<void> {
  await withAdmin(adminUrl, async (admin) => {
    const leftovers = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [testDatabasePrefix(runId)],
    );
    for (const { datname } of leftovers.rows) await dropDatabase(admin, datname);
    await dropDatabase(admin, TEMPLATE_DATABASE);
  });
}

async function dropDatabase(admin: pg.Client, database: string): Promise<void> {
  const name = pg.escapeIdentifier(database);
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  if (exists.rowCount === 0) return;
  // A template database cannot be dropped.
  await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`);
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
}

async function withAdmin<T>(adminUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Data directories of earlier runs that were killed before their teardown (their process is gone). */
async function removeAbandonedDataDirs(): Promise<void> {
  const entries = await readdir(tmpDir).catch(() => []);
  for (const entry of entries) {
    const pid = Number(/^test-pg-(\d+)$/.exec(entry)?.[1]);
    if (pid && !isRunning(pid)) await rm(path.join(tmpDir, entry), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function log(message: string): void {
  console.log(`[integration] ${message}`);
}
