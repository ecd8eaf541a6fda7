import { afterAll, expect, it } from "vitest";
import { closeDb, pool } from "@/server/db/client";
import { expectDatabaseOfItsOwn } from "./isolation-probe";

afterAll(async () => {
  await closeDb();
});

it("gets a database of its own, not the one db.int.test.ts writes to", async () => {
  await expectDatabaseOfItsOwn(pool);
  const { rows } = await pool.query<{ users: string }>("SELECT count(*) AS users FROM users");
  expect(rows[0]?.users).toBe("0");
});
