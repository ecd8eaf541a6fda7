import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";

/** Runs `work` in a transaction that is rolled back, so a case can set up what it needs without leaving it behind. */
export async function rolledBack<T>(work: (db: PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query("BEGIN");
    return await work(db);
  } finally {
    await db.query("ROLLBACK");
    db.release();
  }
}
