import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMigration, defaultMigrationPaths, deployMigrations, diffMigrations, type MigrationPaths } from "./migrations";

const testDatabaseUrl = process.env.DATABASE_URL ?? "";
const scratchDatabases: string[] = [];
let scratchDir: string;

/** An empty database on the test server, named after this file's own so the run's teardown finds leftovers. */
async function emptyDatabase(): Promise<string> {
  const name = `${new URL(testDatabaseUrl).pathname.slice(1)}_${randomBytes(3).toString("hex")}`;
  await withClient(testDatabaseUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  scratchDatabases.push(name);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function migrationNames(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/** A copy of prisma/ to change freely: the migrations folder and schema.prisma. */
async function scratchProject(): Promise<MigrationPaths> {
  const root = await mkdtemp(path.join(scratchDir, "project-"));
  const paths = { migrationsDir: path.join(root, "migrations"), schemaPath: path.join(root, "schema.prisma") };
  await cp(defaultMigrationPaths.migrationsDir, paths.migrationsDir, { recursive: true });
  await cp(defaultMigrationPaths.schemaPath, paths.schemaPath);
  return paths;
}

beforeAll(async () => {
  scratchDir = await mkdtemp(path.join(os.tmpdir(), "tipmeter-migrations-"));
});

afterAll(async () => {
  await rm(scratchDir, { recursive: true, force: true });
  await withClient(testDatabaseUrl, async (client) => {
    for (const name of scratchDatabases) await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  });
});

describe("diffMigrations", () => {
  it("finds nothing between prisma/migrations and schema.prisma", async () => {
    expect(await diffMigrations(testDatabaseUrl)).toBe("");
  });

  it("returns the SQL for a model schema.prisma has and no migration creates", async () => {
    const paths = await scratchProject();
    const schema = await readFile(paths.schemaPath, "utf8");
    await writeFile(paths.schemaPath, `${schema}\nmodel MigrationProbe {\n  id Int @id\n}\n`);
    const sql = await diffMigrations(testDatabaseUrl, paths);
    expect(sql).toContain('CREATE TABLE "MigrationProbe"');
  });

  it("leaves no shadow database behind", async () => {
    await diffMigrations(testDatabaseUrl);
    const { rows } = await withClient(testDatabaseUrl, (client) =>
      client.query("SELECT datname FROM pg_database WHERE datname LIKE 'tipmeter_shadow_%'"),
    );
    expect(rows).toEqual([]);
  });
});

describe("deployMigrations", () => {
  it("applies every migration to an empty database, recorded as prisma migrate deploy records them", async () => {
    const url = await emptyDatabase();
    const names = await migrationNames(defaultMigrationPaths.migrationsDir);

    expect(await deployMigrations(url)).toEqual(names);

    const { rows } = await withClient(url, (client) =>
      client.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
        "SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name COLLATE \"C\"",
      ),
    );
    const expected = await Promise.all(
      names.map(async (name) => {
        const script = await readFile(path.join(defaultMigrationPaths.migrationsDir, name, "migration.sql"));
        return { migration_name: name, checksum: createHash("sha256").update(script).digest("hex"), applied_steps_count: 1 };
      }),
    );
    expect(rows.map(({ finished_at, ...row }) => ({ ...row, finished: finished_at !== null }))).toEqual(
      expected.map((row) => ({ ...row, finished: true })),
    );
    expect(await diffMigrations(url)).toBe("");
  });

  it("does nothing the second time", async () => {
    const url = await emptyDatabase();
    await deployMigrations(url);
    expect(await deployMigrations(url)).toEqual([]);
  });

  it("runs hand-written SQL as written: several statements and dollar-quoted function bodies", async () => {
    const url = await emptyDatabase();
    const paths = await scratchProject();
    const dir = path.join(paths.migrationsDir, "29991231000000_append_only_probe");
    await mkdir(dir);
    await writeFile(
      path.join(dir, "migration.sql"),
      `CREATE TABLE probe_entries (id int PRIMARY KEY, note text NOT NULL);

CREATE FUNCTION probe_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'probe_entries is append-only; % refused', TG_OP;
END;
$$;

CREATE TRIGGER probe_entries_append_only BEFORE UPDATE OR DELETE ON probe_entries
  FOR EACH ROW EXECUTE FUNCTION probe_refuse_change();
`,
    );

    expect(await deployMigrations(url, paths)).toContain("29991231000000_append_only_probe");

    await withClient(url, async (client) => {
      await client.query("INSERT INTO probe_entries VALUES (1, 'first; with a semicolon')");
      await expect(client.query("DELETE FROM probe_entries")).rejects.toThrow("append-only; DELETE refused");
    });
  });

  it("rolls a failing migration back as a whole and records the failure", async () => {
    const url = await emptyDatabase();
    const paths = await scratchProject();
    const dir = path.join(paths.migrationsDir, "29991231000000_broken");
    await mkdir(dir);
    await writeFile(path.join(dir, "migration.sql"), "CREATE TABLE half_done (id int);\nCREATE TABLE broken (id no_such_type);\n");

    await expect(deployMigrations(url, paths)).rejects.toThrow('type "no_such_type" does not exist');
    await withClient(url, async (client) => {
      const table = await client.query("SELECT to_regclass('half_done') AS oid");
      expect(table.rows).toEqual([{ oid: null }]);
      const failed = await client.query("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NULL");
      expect(failed.rows).toEqual([{ migration_name: "29991231000000_broken" }]);
    });
  });
});

describe("data migrations", () => {
  it("show_totals moves an ended show's totals from its show.ended audit row into the show's columns", async () => {
    const url = await emptyDatabase();
    const paths = await scratchProject();
    const names = await migrationNames(paths.migrationsDir);
    const later = names.slice(names.indexOf("20261205201000_show_totals"));
    const held = await mkdtemp(path.join(scratchDir, "held-"));
    for (const name of later) {
      await cp(path.join(paths.migrationsDir, name), path.join(held, name), { recursive: true });
      await rm(path.join(paths.migrationsDir, name), { recursive: true });
    }
    await deployMigrations(url, paths);
    await withClient(url, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO users (id, email, username, display_name, password_hash, role)
         VALUES (gen_random_uuid(), 'p@example.test', 'p', 'P', 'x', 'PERFORMER') RETURNING id`,
      );
      const shows = await client.query<{ id: string; status: string }>(
        `INSERT INTO shows (id, performer_id, kind, status, price_per_minute, free_seconds, minimum_minutes, increment_seconds, meter_control, settle_threshold)
         SELECT gen_random_uuid(), $1, 'GROUP', status::"ShowStatus", 60, 0, 1, 60, 'AUTOMATIC', 60 FROM unnest(ARRAY['ENDED', 'ENDED', 'LIVE']) AS status
         RETURNING id, status`,
        [rows[0]?.id],
      );
      const [ended, endedTwice] = shows.rows;
      const audit = (showId: string | undefined, details: object) =>
        client.query(`INSERT INTO audit_log (action, target_type, target_id, details) VALUES ('show.ended', 'show', $1, $2)`, [showId, JSON.stringify(details)]);
      await audit(ended?.id, { reason: "member_ended", members: 3, charged: "130", meteredSeconds: 151, performerShare: "78" });
      await audit(endedTwice?.id, { members: 1, charged: "10", meteredSeconds: 20, performerShare: "6" });
      await audit(endedTwice?.id, { members: 2, charged: "40", meteredSeconds: 80, performerShare: "24" });
    });
    for (const name of later) await cp(path.join(held, name), path.join(paths.migrationsDir, name), { recursive: true });
    await deployMigrations(url, paths);
    await withClient(url, async (client) => {
      const { rows } = await client.query("SELECT status, member_count, charged, metered_seconds, performer_share FROM shows ORDER BY status, charged");
      expect(rows).toEqual([
        { status: "LIVE", member_count: 0, charged: "0", metered_seconds: "0", performer_share: "0" },
        { status: "ENDED", member_count: 2, charged: "40", metered_seconds: "80", performer_share: "24" },
        { status: "ENDED", member_count: 3, charged: "130", metered_seconds: "151", performer_share: "78" },
      ]);
    });
  });
});

describe("createMigration", () => {
  it("writes <timestamp>_<name>/migration.sql from the diff and applies it", async () => {
    const url = await emptyDatabase();
    const paths = await scratchProject();
    await deployMigrations(url, paths);
    const schema = await readFile(paths.schemaPath, "utf8");
    await writeFile(paths.schemaPath, `${schema}\nmodel MigrationProbe {\n  id Int @id\n}\n`);

    const { directory, sql } = await createMigration(url, "add_probe", paths);

    expect(path.basename(directory)).toMatch(/^\d{14}_add_probe$/);
    expect(await readFile(path.join(directory, "migration.sql"), "utf8")).toBe(sql);
    await withClient(url, async (client) => {
      const table = await client.query(`SELECT to_regclass('"MigrationProbe"') IS NOT NULL AS created`);
      expect(table.rows).toEqual([{ created: true }]);
    });
    expect(await diffMigrations(url, paths)).toBe("");
  });

  it("refuses when schema.prisma has nothing new, writing nothing", async () => {
    const paths = await scratchProject();
    const before = await migrationNames(paths.migrationsDir);
    await expect(createMigration(testDatabaseUrl, "nothing_new", paths)).rejects.toThrow("nothing to put in a new migration");
    expect(await migrationNames(paths.migrationsDir)).toEqual(before);
  });

  it.each(["Add-Probe", "add probe", "", "../escape"])("refuses the name %j", async (name) => {
    await expect(createMigration(testDatabaseUrl, name)).rejects.toThrow("must match");
  });
});
