import type { IncomingMessage as HttpRequest, ServerResponse } from "node:http";
import type { ChannelRegistry, ChannelSummary } from "./channels";
import { channelEvent, channelKind, isRecord, isValidChannelName, MAX_EVENT_DATA_BYTES, MAX_NAME_LENGTH } from "./protocol";
import { verifySignedRequest, type AppCredentials } from "./signing";

/**
 * Pusher's HTTP API (https://pusher.com/docs/channels/library_auth_reference/rest-api) as the `pusher` server
 * library calls it: publishing events and querying channel state, every request signed with the app secret.
 */

export interface HttpApiContext {
  app: AppCredentials;
  channels: ChannelRegistry;
}

const MAX_BODY_BYTES = 256 * 1024;
const MAX_CHANNELS_PER_EVENT = 100;
const MAX_BATCH_SIZE = 10;
const SOCKET_ID = /^\d+\.\d+$/;
const INFO_ATTRIBUTES = new Set(["user_count", "subscription_count"]);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface EventRequest {
  name: string;
  data: string;
  channels: string[];
  socketId?: string;
  info: Set<string>;
}

type ChannelAttributes = { user_count?: number; subscription_count?: number };

export function createHttpApi(context: HttpApiContext): (request: HttpRequest, response: ServerResponse) => void {
  return (request, response) => {
    handle(context, request)
      .then((result) => send(response, 200, result))
      .catch((error: unknown) => {
        if (error instanceof HttpError) send(response, error.status, { error: error.message });
        else send(response, 500, { error: error instanceof Error ? error.message : "Internal error" });
      });
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, { "Content-Type": typeof body === "string" ? "text/plain" : "application/json" });
  response.end(text);
}

async function handle(context: HttpApiContext, request: HttpRequest): Promise<unknown> {
  const url = new URL(request.url ?? "/", "http://pusher.local");
  const method = request.method ?? "GET";
  if (url.pathname === "/" && method === "GET") return "OK";

  const route = /^\/apps\/([^/]+)(\/.*)$/.exec(url.pathname);
  if (!route?.[1] || !route[2]) throw new HttpError(404, "Not found");
  if (decodePathSegment(route[1]) !== context.app.appId) throw new HttpError(404, `Unknown app '${route[1]}'`);

  const body = await readBody(request);
  const verdict = verifySignedRequest(context.app, {
    method,
    path: url.pathname,
    query: url.searchParams,
    body,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  if (!verdict.ok) throw new HttpError(401, verdict.reason);

  const resource = route[2];
  if (resource === "/events") {
    requireMethod(method, "POST");
    return publishEvent(context.channels, parseEvent(parseJson(body)));
  }
  if (resource === "/batch_events") {
    requireMethod(method, "POST");
    return publishBatch(context.channels, parseJson(body));
  }
  if (resource === "/channels") {
    requireMethod(method, "GET");
    return listChannels(context.channels, url.searchParams);
  }
  const channelRoute = /^\/channels\/([^/]+)(\/users)?$/.exec(resource);
  if (channelRoute?.[1]) {
    requireMethod(method, "GET");
    const channel = decodePathSegment(channelRoute[1]);
    if (!isValidChannelName(channel)) throw new HttpError(400, `Invalid channel name '${channel}'`);
    return channelRoute[2] ? listUsers(context.channels, channel) : describeChannel(context.channels, channel, url.searchParams);
  }
  throw new HttpError(404, "Not found");
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `Malformed path segment '${segment}'`);
  }
}

function requireMethod(actual: string, expected: string): void {
  if (actual !== expected) throw new HttpError(405, `Use ${expected}`);
}

function readBody(request: HttpRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining the rest so the client reads the 413 instead of a reset connection.
      if (size > MAX_BODY_BYTES) reject(new HttpError(413, `Request body is limited to ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, "Body must be JSON");
  }
}

function parseEvent(value: unknown, single = false): EventRequest {
  if (!isRecord(value)) throw new HttpError(400, "Event must be a JSON object");
  const { name, socket_id: socketId, info } = value;
  if (typeof name !== "string" || name === "" || name.length > MAX_NAME_LENGTH) {
    throw new HttpError(400, `Event name must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
  const channels = single ? [value.channel] : (value.channels ?? (value.channel === undefined ? undefined : [value.channel]));
  if (!Array.isArray(channels) || channels.length === 0 || channels.length > MAX_CHANNELS_PER_EVENT) {
    throw new HttpError(400, `An event goes to 1 to ${MAX_CHANNELS_PER_EVENT} channels`);
  }
  for (const channel of channels) {
    if (typeof channel !== "string" || !isValidChannelName(channel)) {
      throw new HttpError(400, `Invalid channel name '${String(channel)}'`);
    }
  }
  if (socketId !== undefined && (typeof socketId !== "string" || !SOCKET_ID.test(socketId))) {
    throw new HttpError(400, `Invalid socket_id '${String(socketId)}'`);
  }
  const data = typeof value.data === "string" ? value.data : JSON.stringify(value.data ?? null);
  if (Buffer.byteLength(data) > MAX_EVENT_DATA_BYTES) {
    throw new HttpError(413, `Event data is limited to ${MAX_EVENT_DATA_BYTES} bytes`);
  }
  return { name, data, channels: channels as string[], socketId, info: parseInfo(info) };
}

function parseInfo(info: unknown): Set<string> {
  if (info === undefined || info === null || info === "") return new Set();
  if (typeof info !== "string") throw new HttpError(400, "info must be a comma-separated string");
  const attributes = new Set(info.split(","));
  for (const attribute of attributes) {
    if (!INFO_ATTRIBUTES.has(attribute)) throw new HttpError(400, `Unknown info attribute '${attribute}'`);
  }
  return attributes;
}

function publish(channels: ChannelRegistry, event: EventRequest): void {
  for (const channel of event.channels) {
    channels.publish(channel, channelEvent(event.name, channel, event.data), event.socketId);
  }
}

function publishEvent(channels: ChannelRegistry, event: EventRequest): unknown {
  publish(channels, event);
  if (event.info.size === 0) return {};
  const described: Record<string, ChannelAttributes> = {};
  for (const channel of event.channels) described[channel] = attributesOf(channel, channels.summary(channel), event.info);
  return { channels: described };
}

function publishBatch(channels: ChannelRegistry, body: unknown): unknown {
  const batch = isRecord(body) ? body.batch : undefined;
  if (!Array.isArray(batch) || batch.length === 0 || batch.length > MAX_BATCH_SIZE) {
    throw new HttpError(400, `batch must hold 1 to ${MAX_BATCH_SIZE} events`);
  }
  // Validate everything first so a bad entry rejects the whole batch instead of half-publishing it.
  const events = batch.map((entry) => parseEvent(entry, true));
  for (const event of events) publish(channels, event);
  if (events.every((event) => event.info.size === 0)) return {};
  return {
    batch: events.map((event) => {
      const channel = event.channels[0] ?? "";
      return attributesOf(channel, channels.summary(channel), event.info);
    }),
  };
}

/** user_count exists only for presence channels; unoccupied channels count zero. */
function attributesOf(channel: string, summary: ChannelSummary | undefined, info: Set<string>): ChannelAttributes {
  const attributes: ChannelAttributes = {};
  if (info.has("user_count") && channelKind(channel) === "presence") attributes.user_count = summary?.userCount ?? 0;
  if (info.has("subscription_count")) attributes.subscription_count = summary?.subscriptionCount ?? 0;
  return attributes;
}

function listChannels(channels: ChannelRegistry, query: URLSearchParams): unknown {
  const prefix = query.get("filter_by_prefix") ?? "";
  const info = parseInfo(query.get("info") ?? undefined);
  if (info.has("user_count") && !prefix.startsWith("presence-")) {
    throw new HttpError(400, "info=user_count needs filter_by_prefix=presence-");
  }
  const described: Record<string, ChannelAttributes> = {};
  for (const summary of channels.occupiedChannels()) {
    if (summary.name.startsWith(prefix)) described[summary.name] = attributesOf(summary.name, summary, info);
  }
  return { channels: described };
}

function describeChannel(channels: ChannelRegistry, channel: string, query: URLSearchParams): unknown {
  const info = parseInfo(query.get("info") ?? undefined);
  if (info.has("user_count") && channelKind(channel) !== "presence") {
    throw new HttpError(400, "user_count is only available for presence channels");
  }
  const summary = channels.summary(channel);
  return { occupied: summary !== undefined, ...attributesOf(channel, summary, info) };
}

function listUsers(channels: ChannelRegistry, channel: string): unknown {
  if (channelKind(channel) !== "presence") throw new HttpError(400, "Users can only be listed for presence channels");
  return { users: channels.presenceUserIds(channel).map((id) => ({ id })) };
}
