import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { appRouter } from "@/server/api/root";
import { clientIpFrom } from "@/server/auth/client-ip";
import { getCurrentUser } from "@/server/auth/session";

/**
 * The tRPC API for server components: same procedures and permission tiers as over HTTP, no HTTP round trip.
 * Shares the request's cached session lookup with the layouts.
 */
export const getServerApi = cache(async () => {
  const [user, headerStore] = await Promise.all([getCurrentUser(), headers()]);
  return appRouter.createCaller({ user, ip: clientIpFrom(headerStore) });
});
