/**
 * `npm start`: production. Runs the job worker and Next.js (PORT, default 3000; scripts/app-server.ts, which
 * believes X-Forwarded-For only from TRUSTED_PROXIES) on an existing build with
 * the environment as given. The environment is checked with the app's schema first, so a production setup that
 * still points at the local Stripe emulator (or lacks a variable) stops here, before anything is spawned.
 * With DEMO_MODE=1 and no DATABASE_URL it runs the whole local stack instead, on the production build.
 */
import "@/server/outside-next";
import { existsSync } from "node:fs";
import path from "node:path";
import { APP_SERVER_ARGS, ManagedChild, onStopSignals, repoRoot, startStack, WORKER_ARGS } from "./stack";

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

function portFrom(value: string | undefined): number {
  if (value === undefined || value === "") return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a port number, got '${value}'`);
  return port;
}

async function main(): Promise<void> {
  const port = portFrom(process.env.PORT);
  const demo = process.env.DEMO_MODE === "1" || process.env.DEMO_MODE === "true";
  if (demo && !process.env.DATABASE_URL) {
    await startStack({ mode: "dev", next: "start", appPort: port });
    return;
  }

  // env.ts decides production rules when it is first imported, so NODE_ENV must be set before that.
  Object.assign(process.env, { NODE_ENV: "production" });
  try {
    const { parseEnv } = await import("@/server/env");
    parseEnv(process.env);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (!existsSync(path.join(repoRoot, ".next", "BUILD_ID"))) fail("no production build in .next; run `npm run build` first");

  const children = [
    new ManagedChild("worker", WORKER_ARGS, process.env),
    new ManagedChild("next", [...APP_SERVER_ARGS, "--port", String(port)], process.env),
  ];
  let stopping = false;
  let exitCode = 0;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    console.log(`[start] stopping (${reason})`);
    await Promise.all(children.map((child) => child.stop()));
    process.exit(exitCode);
  };
  for (const child of children) {
    void child.exited.then(({ code, signal }) =>
      stop(`${child.name} exited unexpectedly (${signal ?? `code ${code}`})`, 1),
    );
  }
  onStopSignals(
    (signal) => void stop(`${signal} received`, 0),
    () => {
      for (const child of children) child.kill();
      process.exit(1);
    },
  );
}

void main();
