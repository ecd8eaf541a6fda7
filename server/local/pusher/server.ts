import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { ChannelRegistry, type ChannelChange } from "./channels";
import { PusherConnection, type ConnectionContext } from "./connection";
import { createHttpApi } from "./http-api";
import { encodeMessage, ErrorCode, errorMessage, PROTOCOL_VERSION } from "./protocol";
import { WebhookDispatcher, type WebhookEvent } from "./webhooks";

/**
 * A local Pusher Channels server for development and tests: the unmodified `pusher` and `pusher-js` libraries
 * talk to it as they would to hosted Pusher. WebSocket clients connect to `/app/<key>` and the HTTP API lives
 * under `/apps/<appId>/…`, both on one port, bound to 127.0.0.1 only.
 */

export interface PusherServerOptions {
  /** 0 picks a free port; the handle's url has the real one. */
  port: number;
  appId: string;
  key: string;
  secret: string;
  /** Receives Pusher-style signed webhooks (channel existence, presence, client events) when set. */
  webhookUrl?: string;
  /** Pusher's default is 120. */
  activityTimeoutSeconds?: number;
  /** Pusher's default is 30. */
  pongTimeoutSeconds?: number;
  /** Where background problems (undeliverable webhooks) are reported; defaults to console.warn. */
  log?: (line: string) => void;
}

export interface PusherServerHandle {
  /** http://127.0.0.1:<port>; WebSocket clients use the same host and port. */
  url: string;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
/** Client frames are small JSON events; this bounds memory per frame well above the 10 KB event limit. */
const MAX_FRAME_BYTES = 64 * 1024;

export async function startPusherServer(options: PusherServerOptions): Promise<PusherServerHandle> {
  const activityTimeoutSeconds = options.activityTimeoutSeconds ?? 120;
  const pongTimeoutSeconds = options.pongTimeoutSeconds ?? 30;
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`Pusher server: invalid port ${options.port}`);
  }
  if (!Number.isInteger(activityTimeoutSeconds) || activityTimeoutSeconds < 1) {
    throw new Error("Pusher server: activityTimeoutSeconds must be a whole number of seconds, at least 1");
  }

  const app = { appId: options.appId, key: options.key, secret: options.secret };
  const log = options.log ?? ((line: string) => console.warn(line));
  const webhooks = options.webhookUrl
    ? new WebhookDispatcher({ url: options.webhookUrl, key: app.key, secret: app.secret, log })
    : undefined;
  const channels = new ChannelRegistry((change) => webhooks?.enqueue(webhookEventFor(change)));
  const connections = new Set<PusherConnection>();
  const context: ConnectionContext = {
    app,
    channels,
    activityTimeoutSeconds,
    pongTimeoutSeconds,
    onClientEvent: (event) => webhooks?.enqueue(event),
    onClosed: (connection) => connections.delete(connection),
  };

  const httpServer = createServer(createHttpApi({ app, channels }));
  const webSockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  httpServer.on("upgrade", (request: IncomingMessage, socket, head) => {
    webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      const refusal = refusalFor(request.url, app.key);
      if (refusal) {
        refuse(webSocket, refusal);
        return;
      }
      const connection = new PusherConnection(webSocket, context);
      connections.add(connection);
      connection.open();
    });
  });

  await listen(httpServer, options.port);
  const { port } = httpServer.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    webhooks?.close();
    const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    await Promise.all([...connections].map((connection) => connection.shutdown()));
    for (const webSocket of webSockets.clients) webSocket.terminate();
    webSockets.close();
    httpServer.closeAllConnections();
    await stopped;
  };
  return {
    url: `http://${HOST}:${port}`,
    close: () => (closing ??= close()),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`Pusher server cannot listen on ${HOST}:${port}: port ${port} is already in use`)
          : new Error(`Pusher server cannot listen on ${HOST}:${port}: ${error.message}`),
      );
    };
    server.once("error", onError);
    server.listen(port, HOST, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

interface Refusal {
  code: ErrorCode;
  /** Pusher's short wording, used as the WebSocket close reason (at most 123 bytes). */
  reason: string;
  message: string;
}

/** Pusher accepts the WebSocket, explains the problem with a pusher:error and closes with the same code. */
function refusalFor(rawUrl: string | undefined, key: string): Refusal | undefined {
  const url = new URL(rawUrl ?? "/", "http://pusher.local");
  const path = /^\/app\/([^/]+)$/.exec(url.pathname);
  if (!path) return { code: ErrorCode.pathNotFound, reason: "Path not found", message: "Path not found: connect to /app/<key>" };
  if (decodedSegment(path[1] ?? "") !== key) {
    const reason = "Application does not exist";
    return { code: ErrorCode.applicationDoesNotExist, reason, message: `${reason}: unknown key '${path[1]}'` };
  }
  const protocol = url.searchParams.get("protocol");
  if (protocol === null) {
    const reason = "No protocol version supplied";
    return { code: ErrorCode.noProtocolVersion, reason, message: reason };
  }
  if (!/^\d+$/.test(protocol)) {
    const reason = "Invalid version string format";
    return { code: ErrorCode.invalidVersionFormat, reason, message: reason };
  }
  if (Number(protocol) !== PROTOCOL_VERSION) {
    const reason = "Unsupported protocol version";
    return { code: ErrorCode.unsupportedProtocolVersion, reason, message: `${reason} ${protocol}; this server speaks ${PROTOCOL_VERSION}` };
  }
  return undefined;
}

function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function refuse(webSocket: WebSocket, refusal: Refusal): void {
  webSocket.on("error", () => {});
  webSocket.send(encodeMessage(errorMessage(refusal.message, refusal.code)));
  webSocket.close(refusal.code, refusal.reason);
}

function webhookEventFor(change: ChannelChange): WebhookEvent {
  return change.type === "member_added" || change.type === "member_removed"
    ? { name: change.type, channel: change.channel, user_id: change.userId }
    : { name: change.type, channel: change.channel };
}
