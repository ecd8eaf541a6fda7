/** Names shared by the integration tests' global setup (one server per run) and per-file setup (one database each). */

export const TEMPLATE_DATABASE = "tipmeter_test_template";

/** Every database a run creates starts with this, so teardown can find what a crashed test file left behind. */
export function testDatabasePrefix(runId: string): string {
  return `tipmeter_test_${runId}_`;
}

export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    /** A superuser connection to the test server's maintenance database. */
    testDatabaseAdminUrl: string;
    testRunId: string;
  }
}
