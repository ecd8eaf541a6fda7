import "server-only";
import type { IncomingMessage } from "node:http";
import { type AddressRange, clientAddress } from "@/server/domain/client-ip";

/**
 * `next start` keeps an X-Forwarded-For the client sent and only fills one in from the socket when there is
 * none, so a client could name any address it liked to the rate limits. Our server (server/http/app-server.ts)
 * calls this on every request before Next.js sees it: the header is replaced by the one client address we
 * can vouch for, and X-Real-IP, which nothing here writes, is dropped. The app then reads that header alone.
 */
export function pinClientAddress(request: IncomingMessage, trustedProxies: readonly AddressRange[]): string {
  const forwarded = request.headers["x-forwarded-for"];
  const forwardedFor = Array.isArray(forwarded) ? forwarded.join(",") : forwarded;
  const client = clientAddress(request.socket.remoteAddress, forwardedFor, trustedProxies);
  request.headers["x-forwarded-for"] = client;
  delete request.headers["x-real-ip"];
  return client;
}
