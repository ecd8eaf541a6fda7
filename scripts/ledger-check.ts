import "@/server/outside-next";
import pg from "pg";
import { checkInvariants } from "@/server/ledger/invariants";
import { devDatabase } from "./dev-database";

/**
 * `npm run ledger:check`: every ledger invariant, each with pass or fail and what it counted, in one consistent
 * snapshot. Exits 1 when any fails. DATABASE_URL when set, else the dev database.
 */
async function main(): Promise<number> {
  const database = await devDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  try {
    const results = await checkInvariants(pool);
    for (const result of results) {
      const mark = result.passed ? "pass" : "FAIL";
      const broken = result.passed ? "" : ` (${result.violations} violating)`;
      console.log(`${mark}  ${result.name.padEnd(30)} ${result.description}: ${result.detail}${broken}`);
    }
    const failed = results.filter((result) => !result.passed).length;
    console.log(failed === 0 ? `All ${results.length} invariants hold.` : `${failed} of ${results.length} invariants FAILED.`);
    return failed === 0 ? 0 : 1;
  } finally {
    await pool.end();
    await database.release();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
