/**
 * `npm run chaos`: the money core under crashes. Mixed operations (card purchases with their webhooks, tips,
 * transfers, content unlocks, store orders with a card part, private metered shows, withdrawals and their payout)
 * run through the app's services in several app processes against a real PostgreSQL, with the job worker and
 * its outbox relay beside them, while this driver SIGKILLs app processes and the worker at random, restarts
 * PostgreSQL (immediate shutdown) mid-run and redelivers Stripe events. Clients retry unanswered calls with the
 * same idempotency key. Afterwards it proves, from the journal the app processes kept and from the books:
 *  - every ledger invariant holds;
 *  - every acknowledged operation is in the books exactly once, a refused one not at all, an unanswered one at
 *    most once, and no row exists that no operation asked for;
 *  - every Stripe event delivered at least once was processed (exactly once: stripe_events is keyed by event id);
 *  - every side effect of a committed change is in the outbox, once per key, and was delivered.
 * It prints `RESULT chaos ops=<n> kills=<k> violations=<v> lost=<l> duplicated=<d>` and exits 1 unless all three
 * are 0. Options: `--ops <n>` (default 100000), `--seconds <n>` (stop then at the latest), `--quick` (75 seconds
 * of operations, about 2 minutes in all: a step of `npm test`), `--apps <n>` (default 3).
 */
import "@/server/outside-next";
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readSync, readdirSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomInt } from "node:crypto";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSX = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");

interface Options {
  /** Stop after this many operations... */
  ops: number;
  /** ...or after this many seconds of operations, whichever comes first. */
  seconds: number;
  apps: number;
  quick: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes("--quick");
  const valueOf = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? Number(argv[index + 1]) : undefined;
  };
  // The quick run is bounded by time: this machine's speed varies with what else runs on it.
  const ops = valueOf("--ops") ?? (quick ? Number.POSITIVE_INFINITY : 100_000);
  const seconds = valueOf("--seconds") ?? (quick ? 75 : Number.POSITIVE_INFINITY);
  const apps = valueOf("--apps") ?? 3;
  if (!(ops >= 1) || !(seconds > 0) || !Number.isInteger(apps) || apps < 1) {
    throw new Error("usage: chaos [--quick] [--ops <n>] [--seconds <n>] [--apps <n>]");
  }
  return { ops, seconds, apps, quick };
}

const log = (line: string) => console.log(`[chaos] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// Processes the driver kills: each in a process group of its own, so a SIGKILL takes tsx and its node together.

/** Every process the driver started, killed when it exits however it exits (Ctrl-C, a failure). */
const started = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of started) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

/** Processes that exited without being killed (a crash), restarted as a process manager would. */
let crashes = 0;

class Killable {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** Set while the driver kills or stops it: an exit then is no crash. */
  private killing = false;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): void {
    this.killing = false;
    const child = spawn(process.execPath, this.args, { cwd: repoRoot, env: this.env, detached: true, stdio: ["ignore", "ignore", "inherit"] });
    this.child = child;
    started.add(child);
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        started.delete(child);
        resolve();
        if (!this.killing && this.child === child) {
          crashes += 1;
          log(`${this.name} exited by itself (${signal ?? `code ${code}`}); restarting it`);
          setTimeout(() => this.child === child && !this.killing && this.start(), 500);
        }
      }),
    );
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    this.killing = true;
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
    await this.exited;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Counting operations as the journals grow (appended only, so each file is read from where it was left).

class JournalCounter {
  private readonly offsets = new Map<string, number>();
  count = 0;

  constructor(private readonly dir: string) {}

  refresh(): number {
    for (const name of readdirSync(this.dir).filter((file) => file.endsWith(".jsonl"))) {
      const file = path.join(this.dir, name);
      const from = this.offsets.get(file) ?? 0;
      const size = statSync(file).size;
      if (size <= from) continue;
      const buffer = Buffer.alloc(size - from);
      const fd = openSync(file, "r");
      readSync(fd, buffer, 0, buffer.length, from);
      closeSync(fd);
      this.offsets.set(file, size);
      this.count += buffer.toString("utf8").split('{"t":"begin"').length - 1;
    }
    return this.count;
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = Date.now();
  // In the repo's .tmp like the test databases: as root, PostgreSQL runs as another user who can't enter /tmp's private dirs.
  const dir = path.join(repoRoot, ".tmp", `chaos-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const journalDir = path.join(dir, "journal");
  mkdirSync(journalDir, { recursive: true });

  const { findFreePort, startEmbeddedPostgres } = await import("@/server/db/embedded");
  const port = await findFreePort();
  const pgDir = path.join(dir, "pg");
  // Not ephemeral: an immediate shutdown must keep every commit PostgreSQL acknowledged.
  let postgres = await startEmbeddedPostgres({ dataDir: pgDir, port });
  const [stripePort, pusherPort, smtpPort, mailHttpPort, forwarderPort] = await Promise.all([
    findFreePort(), findFreePort(), findFreePort(), findFreePort(), findFreePort(),
  ]);
  const webhookPorts = await Promise.all(Array.from({ length: options.apps }, () => findFreePort()));
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    DATABASE_URL: postgres.url,
    STRIPE_API_URL: `http://127.0.0.1:${stripePort}`,
    STRIPE_SECRET_KEY: "sk_test_tipmeter_local",
    STRIPE_WEBHOOK_SECRET: "whsec_tipmeter_local",
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(pusherPort),
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    APP_URL: `http://127.0.0.1:${forwarderPort}`,
    STORAGE_DIR: path.join(dir, "uploads"),
  };
  Object.assign(process.env, childEnv);

  const { deployMigrations } = await import("@/server/db/migrations");
  await deployMigrations(postgres.url);
  const { seedChaosFixtures } = await import("./chaos/fixtures");
  const { pool } = await import("@/server/db/client");
  log(`seeding (${options.apps} app slots) in ${dir}`);
  await seedChaosFixtures({ slots: options.apps, membersPerSlot: 6, contentItems: options.quick ? 60 : 200, file: path.join(journalDir, "fixtures.json") });
  const since = (await pool.query<{ now: Date }>("SELECT now()")).rows[0]!.now;
  log(`seeded after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

  const { startStripeEmulator } = await import("@/server/local/stripe/server");
  const { startPusherServer } = await import("@/server/local/pusher/server");
  const { startMailSink } = await import("@/server/local/mail/server");
  const emulator = await startStripeEmulator({
    port: stripePort,
    apiKey: childEnv.STRIPE_SECRET_KEY,
    webhookSecret: childEnv.STRIPE_WEBHOOK_SECRET!,
    webhookUrl: `http://127.0.0.1:${forwarderPort}/`,
    webhookRetryDelaysMs: [250, 500, 1000, 2000, 4000, 8000],
    log: () => undefined,
  });
  const pusher = await startPusherServer({ port: pusherPort, appId: "tipmeter", key: "tipmeter-key", secret: "tipmeter-secret" });
  const mail = await startMailSink({ smtpPort, httpPort: mailHttpPort });

  const apps = webhookPorts.map(
    (webhookPort, slot) =>
      new Killable(`app ${slot}`, [TSX, "scripts/chaos/app.ts"], { ...childEnv, CHAOS_SLOT: String(slot), CHAOS_DIR: journalDir, CHAOS_WEBHOOK_PORT: String(webhookPort) }),
  );
  // Two workers, as production may run any number: they share the outbox and the jobs (SKIP LOCKED).
  const workers = [0, 1].map((index) => new Killable(`worker ${index}`, [TSX, "server/jobs/main.ts"], childEnv));
  const forwarder = startWebhookForwarder(forwarderPort, webhookPorts);

  for (const app of apps) app.start();
  for (const worker of workers) worker.start();

  // --- the run: kills, a PostgreSQL restart, redeliveries, until the journals hold enough operations
  const counter = new JournalCounter(journalDir);
  let kills = 0;
  let pgRestarts = 0;
  const runStartedAt = Date.now();
  /** How far the run is, 0 to 1, by operations or by time. */
  const progress = () => Math.max(counter.count / options.ops, (Date.now() - runStartedAt) / 1000 / options.seconds);
  const restartAt = options.quick ? [0.35] : [0.35, 0.7];
  let nextKill = Date.now() + 2_000 + randomInt(4_000);
  let nextRedelivery = Date.now() + 5_000;
  let lastReport = Date.now();
  while ((counter.refresh(), progress() < 1)) {
    await sleep(250);
    if (Date.now() >= nextKill) {
      const victim = randomInt(3) === 0 ? workers[randomInt(workers.length)]! : apps[randomInt(apps.length)]!;
      await victim.kill();
      kills += 1;
      await sleep(200 + randomInt(1_000));
      victim.start();
      nextKill = Date.now() + (options.quick ? 3_000 : 4_000) + randomInt(5_000);
    }
    if (restartAt.length > 0 && progress() >= restartAt[0]!) {
      restartAt.shift();
      postgres = await restartPostgres(pgDir, port);
      pgRestarts += 1;
    }
    if (Date.now() >= nextRedelivery) {
      // A redelivery is the driver's own chaos, not an operation: one that fails to reach the emulator (a reused
      // keep-alive connection it had just closed) is skipped, and the next round sends others.
      await redeliverSome(emulator.url, childEnv.STRIPE_SECRET_KEY!, 5).catch((error: unknown) => log(`redelivery skipped: ${String(error)}`));
      nextRedelivery = Date.now() + 10_000;
    }
    if (Date.now() - lastReport >= 15_000) {
      lastReport = Date.now();
      log(`${counter.count} ops, ${kills} kills, ${pgRestarts} PostgreSQL restarts, ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
    }
  }
  const ops = counter.refresh();
  log(`${ops} ops done after ${((Date.now() - startedAt) / 1000).toFixed(0)} s; stopping the app processes`);
  await Promise.all(apps.map((app) => app.kill()));

  // --- settle: Stripe's events all delivered, the outbox drained, then the verdict
  const servers = webhookPorts.map(
    (webhookPort, slot) =>
      new Killable(`webhooks ${slot}`, [TSX, "scripts/chaos/app.ts"], {
        ...childEnv, CHAOS_SLOT: String(slot), CHAOS_DIR: journalDir, CHAOS_WEBHOOK_PORT: String(webhookPort), CHAOS_SERVE_ONLY: "1",
      }),
  );
  for (const server of servers) server.start();
  const events = await deliverEveryEvent(emulator.url, childEnv.STRIPE_SECRET_KEY!);
  await waitForOutbox(pool);
  await Promise.all(workers.map((worker) => worker.kill("SIGTERM")));
  await Promise.all(servers.map((server) => server.kill()));

  const { readAllJournals, opHistories } = await import("./chaos/journal");
  const { verify } = await import("./chaos/verify");
  const verifyStartedAt = Date.now();
  const verdict = await verify(pool, { histories: opHistories(readAllJournals(journalDir)), events, since });
  for (const line of verdict.lines) log(line);
  log(`verified in ${((Date.now() - verifyStartedAt) / 1000).toFixed(1)} s`);
  log(`PostgreSQL restarted ${pgRestarts} time(s); ${crashes} process(es) exited by themselves and were restarted; ${((Date.now() - startedAt) / 1000).toFixed(0)} s in all`);
  console.log(`RESULT chaos ops=${ops} kills=${kills} violations=${verdict.violations} lost=${verdict.lost} duplicated=${verdict.duplicated}`);

  const { closeDb } = await import("@/server/db/client");
  await closeDb();
  forwarder.close();
  await Promise.all([emulator.close(), pusher.close(), mail.close()]);
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
  const passed = verdict.violations === 0 && verdict.lost === 0 && verdict.duplicated === 0 && kills >= 5 && pgRestarts >= 1;
  return passed ? 0 : 1;
}

/** Stripe's webhooks go to whichever app process is up; none up, or one killed mid-answer, is a 503 Stripe retries. */
function startWebhookForwarder(port: number, appPorts: readonly number[]): http.Server {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const target = appPorts[randomInt(appPorts.length)]!;
      try {
        const answer = await fetch(`http://127.0.0.1:${target}/`, {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": String(request.headers["stripe-signature"] ?? "") },
          body: Buffer.concat(chunks),
        });
        response.writeHead(answer.status).end(await answer.text());
      } catch {
        response.writeHead(503).end();
      }
    });
  });
  server.listen(port, "127.0.0.1");
  return server;
}

/** An immediate shutdown (SIGQUIT to the postmaster: no checkpoint, crash recovery on start), then a start. */
async function restartPostgres(dataDir: string, port: number) {
  const { isAlive, readPostmasterPid, startEmbeddedPostgres } = await import("@/server/db/embedded");
  const pid = readPostmasterPid(dataDir);
  if (pid === undefined) throw new Error(`no running PostgreSQL in ${dataDir}`);
  log(`restarting PostgreSQL (immediate shutdown of ${pid})`);
  process.kill(pid, "SIGQUIT");
  for (let waited = 0; isAlive(pid) && waited < 30_000; waited += 100) await sleep(100);
  await sleep(500 + randomInt(1_500));
  const started = await startEmbeddedPostgres({ dataDir, port });
  log("PostgreSQL is back");
  return started;
}

type EmulatorEvent = import("./chaos/verify").EmulatorEvent;

async function listEvents(emulatorUrl: string, apiKey: string): Promise<EmulatorEvent[]> {
  const response = await fetch(`${emulatorUrl}/_emulator/events`, { headers: { authorization: `Bearer ${apiKey}` } });
  return ((await response.json()) as { data: EmulatorEvent[] }).data;
}

function resend(emulatorUrl: string, apiKey: string, eventId: string): Promise<Response> {
  return fetch(`${emulatorUrl}/_emulator/resend/${eventId}`, { method: "POST", headers: { authorization: `Bearer ${apiKey}` } });
}

/** Stripe sends an event again now and then even after a success; the app must not count it twice. */
async function redeliverSome(emulatorUrl: string, apiKey: string, howMany: number): Promise<void> {
  const delivered = (await listEvents(emulatorUrl, apiKey)).filter((event) => event.deliveries.some((d) => d.state === "delivered"));
  for (let i = 0; i < howMany && delivered.length > 0; i += 1) await resend(emulatorUrl, apiKey, delivered[randomInt(delivered.length)]!.id);
}

/**
 * Resends every event whose deliveries all failed (Stripe gave up while everything was down) until each got through.
 * The emulator delivers to the app one event at a time in creation order, so a long run ends with a backlog that
 * takes minutes to go out: the wait ends when nothing is left, or when the number not yet delivered has not
 * fallen for STALL_MS (the app is stuck, and the verdict counts what is left as never delivered).
 */
async function deliverEveryEvent(emulatorUrl: string, apiKey: string): Promise<EmulatorEvent[]> {
  const STALL_MS = 30_000;
  const startedAt = Date.now();
  let fewestLeft = Number.POSITIVE_INFINITY;
  let movedAt = Date.now();
  for (;;) {
    const events = await listEvents(emulatorUrl, apiKey).catch((error: unknown) => {
      log(`reading the emulator's events failed, trying again: ${String(error)}`);
      return null;
    });
    if (!events) {
      await sleep(1_000);
      continue;
    }
    const pending = events.filter((event) => event.deliveries.some((d) => d.state === "pending"));
    const givenUp = events.filter((event) => !event.deliveries.some((d) => d.state !== "failed"));
    const left = pending.length + givenUp.length;
    if (left < fewestLeft) {
      fewestLeft = left;
      movedAt = Date.now();
    }
    if (left === 0 || Date.now() - movedAt > STALL_MS) {
      log(`webhooks settled: ${events.length} events, ${left} not delivered, in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      return events;
    }
    for (const event of givenUp) await resend(emulatorUrl, apiKey, event.id);
    await sleep(2_000);
  }
}

/**
 * The workers deliver what is left. A message claimed by a killed worker is free again as soon as its session ended;
 * one whose delivery failed waits out its backoff first. The wait ends when nothing is left, or when messages that
 * are due have not moved for STALL_MS: the relays are stuck, and the verdict counts what is left as undelivered.
 */
async function waitForOutbox(pool: import("pg").Pool): Promise<void> {
  const STALL_MS = 30_000;
  const startedAt = Date.now();
  let last = Number.POSITIVE_INFINITY;
  let movedAt = Date.now();
  for (;;) {
    const { rows } = await pool.query<{ left: string; due: string }>(
      `SELECT count(*) AS left, count(*) FILTER (WHERE available_at <= now()) AS due
         FROM outbox_messages WHERE delivered_at IS NULL AND dead_at IS NULL`,
    );
    const left = Number(rows[0]?.left ?? 0);
    if (left < last) movedAt = Date.now();
    last = left;
    if (left === 0 || (Number(rows[0]?.due ?? 0) > 0 && Date.now() - movedAt > STALL_MS)) {
      log(`outbox drained (${left} left) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      return;
    }
    await sleep(250);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
