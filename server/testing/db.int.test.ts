import { readdir } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, pool, prisma } from "@/server/db/client";
import { defaultMigrationPaths } from "@/server/db/migrations";
import { expectDatabaseOfItsOwn } from "./isolation-probe";
import { TEMPLATE_DATABASE } from "./test-databases";

afterAll(async () => {
  await closeDb();
});

describe("the database of an integration test file", () => {
  it("is the one DATABASE_URL names, cloned for this file rather than the template itself", async () => {
    const { rows } = await pool.query<{ name: string }>("SELECT current_database() AS name");
    const name = rows[0]?.name;
    expect(new URL(process.env.DATABASE_URL ?? "").pathname).toBe(`/${name}`);
    expect(name).toMatch(/^tipmeter_test_\d+_[0-9a-f]{8}$/);
    expect(name).not.toBe(TEMPLATE_DATABASE);
  });

  it("has every migration of prisma/migrations applied, and no rows", async () => {
    const migrationDirs = (await readdir(defaultMigrationPaths.migrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const { rows } = await pool.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    expect(rows.map((row) => row.migration_name).sort()).toEqual(migrationDirs);
    expect(migrationDirs.some((name) => /^\d{14}_init$/.test(name))).toBe(true);
    expect(await prisma.user.count()).toBe(0);
  });

  it("is not shared with any other test file", async () => {
    await expectDatabaseOfItsOwn(pool);
  });
});
