import path from "node:path";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const notTests = [...configDefaults.exclude, "**/node_modules/**", ".next/**", "e2e/**", ".tmp/**", ".data/**"];

export default defineConfig({
  resolve: {
    alias: {
      "@": repoRoot,
      // Tests import server modules directly, outside Next.js's react-server layer: the marker is a no-op here, as
      // scripts make it with server/outside-next.ts.
      "server-only": path.join(repoRoot, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts", "**/*.test.tsx"],
          exclude: [...notTests, "**/*.int.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: notTests,
          globalSetup: ["server/testing/global-setup.ts"],
          setupFiles: ["server/testing/setup-database.ts"],
          // Real PostgreSQL, concurrency tests, migrations through the Wasm schema engine: slow but not stuck.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
