import "@/server/outside-next";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { findFreePort, startEmbeddedPostgres } from "@/server/db/embedded";
import { type Database, devDatabase } from "./dev-database";
import { assertMigrationName, createMigration, deployMigrations, diffMigrations } from "@/server/db/migrations";

/**
 * npm run db:migrate -- <name>   write prisma/migrations/<timestamp>_<name> from schema.prisma changes, apply it
 * npm run db:deploy              apply pending migrations
 * npm run db:diff                exit 1 and print the SQL when schema.prisma has changes no migration covers
 * npm run db:seed                run the default export of prisma/seed.ts
 *
 * With DATABASE_URL set, that database is used. Without it, the dev database: the embedded PostgreSQL in
 * .data/postgres, started for the command (or the one `npm run dev` is already running on its port).
 * db:diff never needs dev data: without DATABASE_URL it uses a throwaway server under .tmp/.
 */

const repoRoot = path.resolve(__dirname, "..");

async function throwawayDatabase(): Promise<Database> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: configured, release: async () => {} };
  const dataDir = path.join(repoRoot, ".tmp", `db-diff-${process.pid}`);
  await rm(dataDir, { recursive: true, force: true });
  const server = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), ephemeral: true });
  return {
    url: server.url,
    release: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function withDatabase(open: () => Promise<Database>, work: (url: string) => Promise<number>): Promise<number> {
  const database = await open();
  try {
    return await work(database.url);
  } finally {
    await database.release();
  }
}

async function migrate(name: string | undefined): Promise<number> {
  if (!name) {
    console.error("Usage: npm run db:migrate -- <name>   (name: lowercase letters, digits and _)");
    return 2;
  }
  assertMigrationName(name);
  return withDatabase(devDatabase, async (url) => {
    const { directory } = await createMigration(url, name);
    console.log(`Created and applied ${path.relative(repoRoot, directory)}/migration.sql`);
    return 0;
  });
}

async function deploy(): Promise<number> {
  return withDatabase(devDatabase, async (url) => {
    const applied = await deployMigrations(url);
    console.log(applied.length === 0 ? "No pending migrations." : `Applied: ${applied.join(", ")}`);
    return 0;
  });
}

async function diff(): Promise<number> {
  return withDatabase(throwawayDatabase, async (url) => {
    const sql = await diffMigrations(url);
    if (sql === "") {
      console.log("prisma/migrations matches prisma/schema.prisma.");
      return 0;
    }
    process.stdout.write(sql.endsWith("\n") ? sql : `${sql}\n`);
    console.error("prisma/schema.prisma has changes no migration covers; run `npm run db:migrate -- <name>`.");
    return 1;
  });
}

async function seed(): Promise<number> {
  const seedPath = path.join(repoRoot, "prisma", "seed.ts");
  if (!existsSync(seedPath)) {
    console.log("prisma/seed.ts does not exist; nothing to seed.");
    return 0;
  }
  return withDatabase(devDatabase, async (url) => {
    // The seed reaches the database through server/db/client, which reads DATABASE_URL when first imported.
    process.env.DATABASE_URL = url;
    const seedModule = (await import(pathToFileURL(seedPath).href)) as { default?: unknown };
    if (typeof seedModule.default !== "function") {
      throw new Error("prisma/seed.ts must export its seed function as the default export.");
    }
    const { closeDb } = await import("@/server/db/client");
    try {
      await seedModule.default();
    } finally {
      await closeDb();
    }
    console.log("Seeded.");
    return 0;
  });
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case "migrate":
      return migrate(args[0]);
    case "deploy":
      return deploy();
    case "diff":
      return diff();
    case "seed":
      return seed();
    default:
      console.error("Usage: tsx scripts/db.ts <migrate <name>|deploy|diff|seed>");
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
