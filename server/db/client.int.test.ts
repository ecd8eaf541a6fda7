import { afterAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "./client";
import { withTransaction } from "./transaction";

afterAll(async () => {
  await closeDb();
});

describe("the app's connection pool", () => {
  it("survives its connection being cut mid-transaction: the transaction fails, the process lives, and the next one works", async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      const outcome = withTransaction(pool, async (db) => {
        const { rows } = await db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        // Another session cuts this one, as a database restart or an admin's pg_terminate_backend would.
        const killer = await pool.connect();
        try {
          await killer.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);
        } finally {
          killer.release();
        }
        await db.query("SELECT pg_sleep(0.2)");
      });
      // Whether the server's goodbye or the next query reaches the client first decides the wording; either way it fails.
      await expect(outcome).rejects.toThrow(/terminat|not queryable/i);
      const { rows } = await withTransaction(pool, (db) => db.query<{ ok: number }>("SELECT 1 AS ok"));
      expect(rows).toEqual([{ ok: 1 }]);
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", record);
    }
  });
});
