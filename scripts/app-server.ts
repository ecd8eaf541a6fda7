/**
 * The production app server, run by `npm start`, the e2e stack and the production demo in place of
 * `next start`: Next.js's own request handler behind a server that pins each request's client address, so
 * X-Forwarded-For is believed only from TRUSTED_PROXIES. The API (/api/trpc/) is answered here directly
 * (server/api/node-handler.ts) rather than through Next.js. `--hostname` and `--port` as for `next start`.
 */
import "@/server/outside-next";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import next from "next";
import { env } from "@/server/env";
import { TRPC_BASE_PATH, createTrpcNodeHandler } from "@/server/api/node-handler";
import { createClientAddressServer } from "@/server/http/app-server";
import { securityHeaders } from "@/server/security-headers";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { hostname: { type: "string" }, port: { type: "string" } } });
  const port = Number(values.port ?? "3000");
  const hostname = values.hostname;
  const app = next({ dev: false, dir: repoRoot, hostname: hostname ?? "localhost", port });
  await app.prepare();
  const pages = app.getRequestHandler();
  const api = createTrpcNodeHandler(securityHeaders({ https: env.APP_URL.startsWith("https://") }));
  const server = createClientAddressServer(
    (request, response) => (request.url?.startsWith(TRPC_BASE_PATH) ? api(request, response) : pages(request, response)),
    env.TRUSTED_PROXIES,
  );
  server.listen(port, hostname, () => {
    console.log(`ready on http://${hostname ?? "localhost"}:${port}`);
  });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
