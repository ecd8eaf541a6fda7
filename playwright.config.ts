import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests on Debian's Chromium against the whole stack (scripts/e2e-stack.ts: fresh embedded
 * PostgreSQL, local Stripe/Pusher/mail stand-ins, `next start` on the existing build at port 3100).
 */

// The stack seeds and changes the database it is given; never let that be a shared or production one.
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  const { hostname } = new URL(databaseUrl);
  if (!["localhost", "127.0.0.1", "::1", "[::1]"].includes(hostname)) {
    throw new Error(`Refusing to run end-to-end tests: DATABASE_URL points at ${hostname}, not this machine.`);
  }
}

const E2E_BASE_URL = "http://127.0.0.1:3100";

export default defineConfig({
  testDir: "e2e",
  forbidOnly: Boolean(process.env.CI),
  // A test that passes only on a second try is a bug; let it fail.
  retries: 0,
  // Two cores run Next.js, PostgreSQL, the worker and the browser; one test at a time keeps timings honest.
  workers: 1,
  timeout: 60_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  webServer: {
    command: "tsx scripts/e2e-stack.ts",
    url: `${E2E_BASE_URL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    // The stack stops Next.js, the worker, the stand-ins and PostgreSQL in order on SIGTERM.
    gracefulShutdown: { signal: "SIGTERM", timeout: 60_000 },
  },
});
