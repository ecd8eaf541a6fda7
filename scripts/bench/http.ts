/**
 * `npm run bench:http`: the production build (`next build` first) served the way `npm start` serves it
 * (scripts/app-server.ts and the job worker, with the local Stripe, Pusher and mail stand-ins and DEMO_MODE=1),
 * against a fresh embedded PostgreSQL; every port is a free one, so it runs beside anything. Members sign in
 * through the real sign-in and keep their session cookies; a load generator on node:http (keep-alive, one
 * request at a time per connection, a fixed duration per cell) then measures in one run the trivial health
 * route, the `wallet.balances` query and `tips.send` (a fresh idempotency key per request, every member tipping
 * one performer) at 16 and 64 connections: requests/s, p50 and p99 of each request's latency, and the CPU the
 * app server, the worker and PostgreSQL spent per request. It checks that the TIP postings equal the 2xx answers
 * and ends with `RESULT http tips_ratio=<tips/health at 64> reads_ratio=<balances/health at 64>
 * tips_p99_ms=<at 64>`. The health route is a Next.js route; the two tRPC calls are answered by the app server's
 * API handler before Next.js (server/api/node-handler.ts), as in production. Then, in this process against the same
 * database, where a tip's server time goes: the session cookie's decoding, the session user's lookup, zod,
 * superjson, the tip's statement, and the whole call through the API handler on loopback around them.
 *
 * BENCH_HTTP_SECONDS (default 10) sets each cell's duration.
 */
import "@/server/outside-next";
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TSX = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
const HOST = "127.0.0.1";
const AUTH_SECRET = "tipmeter-test-build-secret-not-for-production";
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? "10");
const MEMBERS = 64;
const CONNECTIONS = [16, 64] as const;
const TIP_AMOUNT = 1n;

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command; children that ended count too.
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

/** A process and all its descendants. */
function tree(pid: number): number[] {
  const pids = [pid];
  for (let index = 0; index < pids.length; index += 1) {
    try {
      for (const task of readFileSync(`/proc/${pids[index]}/task/${pids[index]}/children`, "utf8").trim().split(/\s+/)) {
        if (task) pids.push(Number(task));
      }
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const treeCpu = (pid: number) => tree(pid).reduce((sum, each) => sum + cpuSeconds(each), 0);

interface Target {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function send(agent: http.Agent, port: number, target: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request({ agent, host: HOST, port, method: target.method, path: target.path, headers: target.headers }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(target.body);
  });
}

interface CellResult {
  requests: number;
  ok: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU milliseconds per request: the app server, the worker, PostgreSQL. */
  cpu: { app: number; worker: number; db: number };
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

/** `connections` keep-alive connections, each sending `target(lane)` one request after another for `seconds`. */
async function load(port: number, connections: number, seconds: number, target: (lane: number) => Target, pids: { app: number; worker: number; db: number }): Promise<CellResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let ok = 0;
  const before = { app: treeCpu(pids.app), worker: treeCpu(pids.worker), db: treeCpu(pids.db) };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, lane) => {
      while (performance.now() < deadline) {
        const at = performance.now();
        const status = await send(agent, port, target(lane));
        latencies.push(performance.now() - at);
        if (status >= 200 && status < 300) ok += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const after = { app: treeCpu(pids.app), worker: treeCpu(pids.worker), db: treeCpu(pids.db) };
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const perRequest = (key: keyof typeof before) => ((after[key] - before[key]) * 1000) / latencies.length;
  return {
    requests: latencies.length,
    ok,
    perSecond: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpu: { app: perRequest("app"), worker: perRequest("worker"), db: perRequest("db") },
  };
}

class ManagedProcess {
  readonly child: ChildProcess;
  constructor(
    readonly name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, args, { cwd: repoRoot, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const echo = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (/error|warn/i.test(line)) console.error(`[${name}] ${line}`);
    };
    this.child.stdout?.on("data", echo);
    this.child.stderr?.on("data", echo);
  }

  stop(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
}

async function waitForHealth(port: number): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    try {
      const response = await fetch(`http://${HOST}:${port}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the app server did not answer /api/health within 120 s");
}

/**
 * Signs in through the credentials form, as a browser does, and returns the cookie header that carries the session.
 * Each member comes from an address of their own (through the trusted proxy), as sign-ins are limited per address.
 */
async function signIn(port: number, email: string, password: string, address: string): Promise<string> {
  const cookies = new Map<string, string>();
  const take = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(";")[0]!;
      const at = pair.indexOf("=");
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  const base = `http://${HOST}:${port}`;
  const csrf = await fetch(`${base}/api/auth/csrf`, { headers: { "x-forwarded-for": address } });
  take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header(), "x-forwarded-for": address },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/` }),
  });
  take(response);
  if (![...cookies.keys()].some((name) => name.includes("session-token"))) throw new Error(`signing in as ${email} failed (HTTP ${response.status})`);
  return header();
}

const row = (name: string, connections: number, cell: CellResult) =>
  `${name.padEnd(16)} ${String(connections).padStart(5)} ${cell.perSecond.toFixed(0).padStart(8)} ${cell.p50.toFixed(1).padStart(8)} ${cell.p99.toFixed(1).padStart(8)} ${cell.cpu.app.toFixed(2).padStart(8)} ${cell.cpu.worker.toFixed(2).padStart(8)} ${cell.cpu.db.toFixed(2).padStart(8)} ${String(cell.requests - cell.ok).padStart(7)}`;

/** Mean microseconds of `work` over `times` runs, after a few to warm up. */
async function meanMicros(times: number, work: (index: number) => unknown): Promise<number> {
  for (let index = 0; index < 20; index += 1) await work(-index - 1);
  const started = performance.now();
  for (let index = 0; index < times; index += 1) await work(index);
  return ((performance.now() - started) * 1000) / times;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(repoRoot, ".next", "BUILD_ID"))) {
    throw new Error("no production build in .next: run `NODE_ENV=production AUTH_SECRET=... npx next build` first");
  }
  const dir = path.join(repoRoot, ".tmp", `bench-http-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { findFreePort, startEmbeddedPostgres } = await import("@/server/db/embedded");
  const [pgPort, appPort, stripePort, pusherPort, smtpPort, mailHttpPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort(), findFreePort(), findFreePort(), findFreePort()]);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: pgPort, ephemeral: true });
  const processes: ManagedProcess[] = [];
  const services: Array<{ close(): Promise<void> }> = [];
  try {
    const appUrl = `http://${HOST}:${appPort}`;
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DEMO_MODE: "1",
      AUTH_SECRET,
      DATABASE_URL: postgres.url,
      APP_URL: appUrl,
      NEXTAUTH_URL: appUrl,
      STRIPE_API_URL: `http://${HOST}:${stripePort}`,
      STRIPE_SECRET_KEY: "sk_test_tipmeter_local",
      STRIPE_WEBHOOK_SECRET: "whsec_tipmeter_local",
      PUSHER_HOST: HOST,
      PUSHER_PORT: String(pusherPort),
      PUSHER_USE_TLS: "0",
      SMTP_URL: `smtp://${HOST}:${smtpPort}`,
      MAIL_SINK_URL: `http://${HOST}:${mailHttpPort}`,
      STORAGE_DIR: path.join(dir, "uploads"),
      NEXT_TELEMETRY_DISABLED: "1",
      TRUSTED_PROXIES: HOST,
    };
    // This process reads the same database with the app's own modules (env.ts reads the environment at import).
    Object.assign(process.env, { ...childEnv, NODE_ENV: "production" });

    const { deployMigrations } = await import("@/server/db/migrations");
    await deployMigrations(postgres.url);
    const { seed } = await import("@/prisma/seed");
    const { pool } = await import("@/server/db/client");
    const { post } = await import("@/server/ledger/post");
    const { adjustmentLegs } = await import("@/server/domain/ledger");
    const { makeAdmin, makeMember, makePerformer, TEST_PASSWORD } = await import("@/server/testing/users");
    await seed();
    const admin = await makeAdmin();
    const performer = await makePerformer(admin, "Bench Star");
    const members = [];
    for (let index = 0; index < MEMBERS; index += 1) {
      const member = await makeMember("bench");
      await post(pool, { kind: "ADJUSTMENT", idempotencyKey: `bench:funding:${member.id}`, actorId: null, description: "Adjustment: bench funding", legs: adjustmentLegs(member.id, "available", 1_000_000_000n) });
      members.push(member);
    }

    const { startStripeEmulator } = await import("@/server/local/stripe/server");
    const { startPusherServer } = await import("@/server/local/pusher/server");
    const { startMailSink } = await import("@/server/local/mail/server");
    services.push(
      await startStripeEmulator({ port: stripePort, webhookUrl: `${appUrl}/api/webhooks/stripe`, webhookSecret: "whsec_tipmeter_local", apiKey: "sk_test_tipmeter_local" }),
      await startPusherServer({ port: pusherPort, appId: "tipmeter", key: "tipmeter-key", secret: "tipmeter-secret" }),
      await startMailSink({ smtpPort, httpPort: mailHttpPort }),
    );
    const worker = new ManagedProcess("worker", [TSX, "server/jobs/main.ts"], childEnv);
    const app = new ManagedProcess("app", [TSX, "scripts/app-server.ts", "--hostname", HOST, "--port", String(appPort)], childEnv);
    processes.push(worker, app);
    await waitForHealth(appPort);
    const postmaster = Number(readFileSync(path.join(dir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
    const pids = { app: app.child.pid!, worker: worker.child.pid!, db: postmaster };

    // A few sign-ins at a time: each holds a connection while it checks a password hash, and 64 at once on a busy
    // machine wait past Prisma's limit for starting a transaction. The sign-ins are set-up, not measured.
    const cookies: string[] = [];
    for (let first = 0; first < members.length; first += 4) {
      const batch = members.slice(first, first + 4);
      cookies.push(...(await Promise.all(batch.map((member, index) => signIn(appPort, member.email, TEST_PASSWORD, `10.0.0.${first + index + 1}`)))));
    }
    const superjson = (await import("superjson")).default;
    const health = (): Target => ({ method: "GET", path: "/api/health", headers: {} });
    const balances = (lane: number): Target => ({ method: "GET", path: "/api/trpc/wallet.balances", headers: { cookie: cookies[lane % MEMBERS]! } });
    const tip = (lane: number): Target => ({
      method: "POST",
      path: "/api/trpc/tips.send",
      headers: { cookie: cookies[lane % MEMBERS]!, "content-type": "application/json", origin: appUrl },
      body: JSON.stringify(superjson.serialize({ performerId: performer.id, amount: TIP_AMOUNT, idempotencyKey: randomUUID() })),
    });
    const tipCount = async () => Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM ledger_transactions WHERE kind = 'TIP'")).rows[0]!.n);

    // Warm-up: each route's code loaded and its statements prepared on the app's connections.
    for (const target of [health, balances, tip]) await load(appPort, 16, 2, target, pids);

    console.log(`HTTP, ${SECONDS} s per cell, ${MEMBERS} members tipping one performer; CPU in ms per request`);
    console.log(`${"route".padEnd(16)} ${"conns".padStart(5)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"app cpu".padStart(8)} ${"worker".padStart(8)} ${"pg cpu".padStart(8)} ${"non-2xx".padStart(7)}`);
    const results: Record<string, Record<number, CellResult>> = { health: {}, balances: {}, tips: {} };
    let tipsPosted = 0;
    let tipsAnswered = 0;
    for (const connections of CONNECTIONS) {
      for (const [name, target] of [["health", health], ["balances", balances], ["tips", tip]] as const) {
        const before = name === "tips" ? await tipCount() : 0;
        const cell = await load(appPort, connections, SECONDS, target, pids);
        if (name === "tips") {
          tipsPosted += (await tipCount()) - before;
          tipsAnswered += cell.ok;
        }
        results[name]![connections] = cell;
        console.log(row(name === "tips" ? "tips.send" : name === "balances" ? "wallet.balances" : "/api/health", connections, cell));
      }
    }
    console.log(`TIP postings ${tipsPosted}, 2xx answers to tips.send ${tipsAnswered}: ${tipsPosted === tipsAnswered ? "equal" : "DIFFERENT"}`);

    // Where a tip's server time goes, measured here with the app's own modules on the same database.
    const { decode } = await import("next-auth/jwt");
    const { loadActiveSessionUser } = await import("@/server/auth/session-user");
    const { sendTip, sendTipSchema } = await import("@/server/services/tips");
    const { createTrpcNodeHandler } = await import("@/server/api/node-handler");
    // The API as scripts/app-server.ts serves it, here on loopback with one keep-alive connection.
    const inProcessServer = http.createServer(createTrpcNodeHandler([]));
    await new Promise<void>((resolve) => inProcessServer.listen(0, HOST, resolve));
    const inProcessPort = (inProcessServer.address() as import("node:net").AddressInfo).port;
    const inProcessAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const member = members[0]!;
    const cookie = cookies[0]!;
    const token = cookie.split("; ").find((pair) => pair.includes("session-token="))!.split("=").slice(1).join("=");
    const input = () => ({ performerId: performer.id, amount: TIP_AMOUNT, idempotencyKey: randomUUID() });
    const spans = {
      "session cookie decode (JWE)": await meanMicros(500, () => decode({ token, secret: AUTH_SECRET })),
      "session user lookup (DB)": await meanMicros(500, () => loadActiveSessionUser(member.id, 1)),
      "zod sendTipSchema.parse": await meanMicros(5000, () => sendTipSchema.parse(input())),
      "superjson input parse + result serialize": await meanMicros(5000, () => {
        superjson.deserialize(JSON.parse(JSON.stringify(superjson.serialize(input()))));
        return JSON.stringify(superjson.serialize({ transactionId: 123456789n, replayed: false, amount: 1n, net: 0n, rateBps: 8000, stageName: "Bench Star" }));
      }),
      "sendTip (the tip's statement)": await meanMicros(500, () => sendTip(member.id, input())),
      "tips.send through the app server's API handler": await meanMicros(500, async () => {
        const status = await send(inProcessAgent, inProcessPort, tip(0));
        if (status !== 200) throw new Error(`tips.send in process: HTTP ${status}`);
      }),
    };
    console.log("a tip's server time, in this process, one at a time (mean µs):");
    for (const [name, micros] of Object.entries(spans)) console.log(`  ${name.padEnd(44)} ${micros.toFixed(0).padStart(7)}`);

    inProcessAgent.destroy();
    await new Promise((resolve) => inProcessServer.close(resolve));
    const { closeDb } = await import("@/server/db/client");
    await closeDb();
    const at64 = (name: string) => results[name]![64]!;
    console.log(
      `RESULT http tips_ratio=${(at64("tips").perSecond / at64("health").perSecond).toFixed(2)} reads_ratio=${(at64("balances").perSecond / at64("health").perSecond).toFixed(2)} tips_p99_ms=${at64("tips").p99.toFixed(0)}`,
    );
    if (tipsPosted !== tipsAnswered) process.exitCode = 1;
  } finally {
    for (const each of processes) each.stop();
    await Promise.all(processes.map((each) => (each.child.exitCode === null ? new Promise((resolve) => each.child.once("exit", resolve)) : null)));
    await Promise.all(services.map((service) => service.close()));
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
