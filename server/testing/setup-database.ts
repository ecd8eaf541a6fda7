import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { TEMPLATE_DATABASE, testDatabasePrefix, withDatabaseName } from "./test-databases";

/**
 * Runs before each integration test file is imported: clones a fresh database from the migrated template and
 * points DATABASE_URL at it, so the file's own imports (server/env, server/db/client) pick it up. Nothing here
 * may import server/env: it would be parsed before DATABASE_URL is set.
 */

const adminUrl = inject("testDatabaseAdminUrl");
const database = `${testDatabasePrefix(inject("testRunId"))}${randomBytes(4).toString("hex")}`;

await runAsAdmin(
  `CREATE DATABASE ${pg.escapeIdentifier(database)} TEMPLATE ${pg.escapeIdentifier(TEMPLATE_DATABASE)}`,
);
process.env.DATABASE_URL = withDatabaseName(adminUrl, database);

// Registered before the file's own hooks, so it runs after them (after hooks run in reverse order): the file
// closes its connections first, and FORCE ends any it forgot.
afterAll(async () => {
  await runAsAdmin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
});

async function runAsAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
