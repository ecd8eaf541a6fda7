import "server-only";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressRange } from "@/server/domain/client-ip";
import { pinClientAddress } from "@/server/http/forwarded-for";

type Handler = (request: IncomingMessage, response: ServerResponse) => unknown;

/** An HTTP server that pins each request's client address (see forwarded-for.ts) before `handle` sees it. */
export function createClientAddressServer(handle: Handler, trustedProxies: readonly AddressRange[]): Server {
  return createServer((request, response) => {
    pinClientAddress(request, trustedProxies);
    void handle(request, response);
  });
}
