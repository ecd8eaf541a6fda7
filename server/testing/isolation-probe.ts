import type { Pool } from "pg";
import { expect } from "vitest";

/**
 * Called by more than one test file. Each creates the same table and row; if two files ever shared a database,
 * whichever came second would find the table already there and fail.
 */
export async function expectDatabaseOfItsOwn(pool: Pool): Promise<void> {
  await pool.query("CREATE TABLE isolation_probe (written_by text PRIMARY KEY)");
  await pool.query("INSERT INTO isolation_probe VALUES ($1)", [expect.getState().testPath]);
  const { rows } = await pool.query<{ written_by: string }>("SELECT written_by FROM isolation_probe");
  expect(rows).toEqual([{ written_by: expect.getState().testPath }]);
}
