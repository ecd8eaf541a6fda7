import "server-only";
import { availableParallelism } from "node:os";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "@/server/env";
import { PrismaClient } from "@/server/generated/prisma/client";

/**
 * The app's one connection pool and the Prisma client on top of it, sharing it. Both are created on first use, so
 * importing this module opens no connection (next build imports it with no DATABASE_URL). pg returns BIGINT
 * columns as strings on purpose: callers convert with BigInt(), and pg's global type parsers stay untouched.
 */

/**
 * Connections per process, against the cores (the usual 2 x cores + 1): past a few busy backends per core, more
 * connections add contention rather than throughput. `npm run bench` runs its callers through a pool of this size;
 * BENCH_POOL overrides it there to compare.
 */
export function poolSize(): number {
  return Math.max(4, 2 * availableParallelism() + 1);
}

interface Connections {
  pool: pg.Pool;
  prisma: PrismaClient;
}

// Next.js dev re-evaluates modules on every edit; the cache on globalThis keeps one pool per process instead of
// one per reload.
const cache = globalThis as typeof globalThis & { __tipmeterConnections?: Connections };

function connections(): Connections {
  if (cache.__tipmeterConnections) return cache.__tipmeterConnections;
  const url = env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set; the database is unavailable during next build.");

  const pool = new pg.Pool({ connectionString: url, max: poolSize() });
  // A connection can be cut by the server (restart, pg_terminate_backend) while idle or while checked out. The
  // pool listens only while a connection is idle, and an 'error' event without a listener crashes the process, so
  // each connection gets one for its lifetime: the query in flight fails on its own, and the pool drops the
  // broken connection when it is released.
  pool.on("error", (error) => console.error("[db] idle connection error:", error.message));
  pool.on("connect", (client) => {
    client.on("error", (error) => console.error("[db] connection error:", error.message));
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  cache.__tipmeterConnections = { pool, prisma };
  return cache.__tipmeterConnections;
}

/** Forwards every operation to the object `resolve` returns at that moment, creating it on first use. */
function lazy<T extends object>(resolve: () => T): T {
  return new Proxy({} as T, {
    get(_, property) {
      const target = resolve();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    set: (_, property, value) => Reflect.set(resolve(), property, value),
    has: (_, property) => Reflect.has(resolve(), property),
    getPrototypeOf: () => Reflect.getPrototypeOf(resolve()),
  });
}

export const pool: pg.Pool = lazy(() => connections().pool);
export const prisma: PrismaClient = lazy(() => connections().prisma);

/** Closes the pool and the Prisma client (scripts and tests call this before exiting). */
export async function closeDb(): Promise<void> {
  const open = cache.__tipmeterConnections;
  if (!open) return;
  cache.__tipmeterConnections = undefined;
  await open.prisma.$disconnect();
  await open.pool.end();
}
