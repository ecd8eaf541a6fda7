/**
 * `npm test`: every check CI runs, in order, stopping at the first failure. Output streams as it comes; a
 * summary table follows, and the last line is `N passed, N failed` counting steps.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface Step {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

type Outcome = "passed" | "failed" | "not run";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => path.join(repoRoot, "node_modules", ".bin", name);

const steps: Step[] = [
  { name: "typecheck", command: bin("tsc"), args: ["--noEmit"] },
  { name: "lint", command: bin("eslint"), args: ["--max-warnings=0", "."] },
  { name: "migration drift", command: "npm", args: ["run", "--silent", "db:diff"] },
  { name: "unit tests", command: bin("vitest"), args: ["run", "--project", "unit"] },
  { name: "integration tests", command: bin("vitest"), args: ["run", "--project", "integration"] },
  // Crashes, a database restart and replays against the money core (scripts/chaos.ts), about 2 minutes.
  { name: "chaos run (quick)", command: "npm", args: ["run", "--silent", "chaos", "--", "--quick"] },
  {
    name: "next build",
    command: bin("next"),
    args: ["build"],
    // The build checks env.ts's production rules; this secret exists only to satisfy them.
    env: { NODE_ENV: "production", AUTH_SECRET: "tipmeter-test-build-secret-not-for-production" },
  },
  { name: "end-to-end tests", command: bin("playwright"), args: ["test"] },
];

let interrupted = false;
// Ctrl-C reaches the running step directly (same process group); remember it so no later step starts.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => (interrupted = true));

function run(step: Step): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, {
      cwd: repoRoot,
      stdio: "inherit",
      env: {
        ...process.env,
        ...step.env,
        PATH: `${path.join(repoRoot, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
      },
    });
    child.on("error", (error) => {
      console.error(`[test] could not start ${step.command}: ${error.message}`);
      resolve(false);
    });
    child.on("exit", (code) => resolve(code === 0));
  });
}

async function main(): Promise<void> {
  const results: { name: string; outcome: Outcome; seconds?: number }[] = [];
  for (const step of steps) {
    if (interrupted || results.some((result) => result.outcome === "failed")) {
      results.push({ name: step.name, outcome: "not run" });
      continue;
    }
    console.log(`\n━━ ${step.name}: ${[path.basename(step.command), ...step.args].join(" ")}`);
    const startedAt = Date.now();
    const ok = await run(step);
    results.push({ name: step.name, outcome: ok && !interrupted ? "passed" : "failed", seconds: (Date.now() - startedAt) / 1000 });
  }

  const nameWidth = Math.max(...results.map((result) => result.name.length), "step".length) + 2;
  console.log(`\n${"step".padEnd(nameWidth)}${"result".padEnd(10)}seconds`);
  for (const { name, outcome, seconds } of results) {
    console.log(`${name.padEnd(nameWidth)}${outcome.padEnd(10)}${seconds === undefined ? "-" : seconds.toFixed(1)}`);
  }
  const passed = results.filter((result) => result.outcome === "passed").length;
  const failed = results.filter((result) => result.outcome === "failed").length;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed === steps.length ? 0 : 1);
}

void main();
