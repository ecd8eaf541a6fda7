import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { NextRequest } from "next/server";
import { MAX_BATCH_SIZE } from "@/server/api/limits";
import { appRouter } from "@/server/api/root";
import { routeHandler } from "@/server/api/route-handler";
import { createTRPCContext } from "@/server/api/trpc";

function serve(request: NextRequest): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: () => createTRPCContext({ headers: request.headers, cookies: request.cookies }),
  });
}

/**
 * Open to anyone: each procedure checks its own session and role (server/api/trpc.ts). This route answers under
 * `next dev`; the production app server (scripts/app-server.ts) answers /api/trpc/ before Next.js sees it, with the
 * same router, batch limit and context (server/api/node-handler.ts).
 */
export const GET = routeHandler({ who: "anyone" }, serve);
export const POST = routeHandler({ who: "anyone" }, serve);
