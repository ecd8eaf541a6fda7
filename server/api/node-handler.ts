import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { MAX_BATCH_SIZE } from "@/server/api/limits";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { CookieReader } from "@/server/auth/session-token";
import { parseCookieHeader } from "@/server/http/cookie-header";
import type { ResponseHeader } from "@/server/security-headers";

/** Where the API is served: the same path app/api/trpc/[trpc]/route.ts answers under `next dev`. */
export const TRPC_BASE_PATH = "/api/trpc/";

/**
 * The API served straight from the app server's node:http request (scripts/app-server.ts), not through a Next.js
 * route: the same router, batch limit and context as the route, without Next.js's routing, its web Request and
 * AbortSignal per request and the route's bundle around them, which together cost a tip more CPU than the tip's
 * own code (profiled in issue 15's notes). Each response carries the headers next.config.ts gives every route.
 */
export function createTrpcNodeHandler(responseHeaders: readonly ResponseHeader[]): (request: IncomingMessage, response: ServerResponse) => void {
  const handle = createHTTPHandler({
    basePath: TRPC_BASE_PATH,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ req }) => {
      const cookies: CookieReader = { getAll: () => parseCookieHeader(req.headers.cookie) };
      return createTRPCContext({ headers: req.headers, cookies });
    },
  });
  return (request, response) => {
    for (const header of responseHeaders) response.setHeader(header.key, header.value);
    handle(request, response);
  };
}
