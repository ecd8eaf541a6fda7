/**
 * Wire format of Pusher Channels protocol 7 (https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol):
 * JSON frames `{ event, channel?, data? }`, names of channels and events, and Pusher's error codes.
 */

export const PROTOCOL_VERSION = 7;

/**
 * Pusher's close and error codes. The range tells clients what to do: 4000–4099 do not reconnect, 4100–4199
 * reconnect after a back-off, 4200–4299 reconnect at once; 4300+ are errors that leave the connection open.
 */
export const ErrorCode = {
  applicationDoesNotExist: 4001,
  pathNotFound: 4005,
  invalidVersionFormat: 4006,
  unsupportedProtocolVersion: 4007,
  noProtocolVersion: 4008,
  /** A pusher:signin with a bad signature. */
  unauthorized: 4009,
  reconnectImmediately: 4200,
  pongNotReceived: 4201,
  clientEventRateLimit: 4301,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface OutgoingMessage {
  event: string;
  channel?: string;
  data?: unknown;
  /** Set on client events relayed on presence channels: who sent it. */
  user_id?: string;
}

export interface IncomingMessage {
  event: string;
  channel?: string;
  data: unknown;
}

export function encodeMessage(message: OutgoingMessage): string {
  return JSON.stringify(message);
}

/**
 * Channel events carry `data` as a JSON string (clients parse it a second time), as the protocol specifies;
 * pusher:error, pusher:ping and pusher:pong carry plain objects.
 */
export function channelEvent(event: string, channel: string, data: unknown): OutgoingMessage {
  return { event, channel, data: typeof data === "string" ? data : JSON.stringify(data) };
}

export function errorMessage(message: string, code: ErrorCode | null = null): OutgoingMessage {
  return { event: "pusher:error", data: { code, message } };
}

export function connectionEstablished(socketId: string, activityTimeoutSeconds: number): OutgoingMessage {
  return {
    event: "pusher:connection_established",
    data: JSON.stringify({ socket_id: socketId, activity_timeout: activityTimeoutSeconds }),
  };
}

export function decodeIncomingMessage(raw: string): IncomingMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed.event !== "string") return undefined;
  const channel = typeof parsed.channel === "string" ? parsed.channel : undefined;
  return { event: parsed.event, channel, data: parsed.data };
}

/** Clients may send `data` as an object or as a JSON string of one; both mean the same. */
export function dataAsRecord(data: unknown): Record<string, unknown> | undefined {
  if (typeof data === "string") {
    try {
      const parsed: unknown = JSON.parse(data);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return isRecord(data) ? data : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const CHANNEL_NAME = /^[A-Za-z0-9_\-=@,.;]+$/;
export const MAX_NAME_LENGTH = 200;
/** Events for a signed-in user go to this channel, which only that user's connections may join. */
export const SERVER_TO_USER_PREFIX = "#server-to-user-";

export function isValidChannelName(name: string): boolean {
  const rest = name.startsWith(SERVER_TO_USER_PREFIX) ? name.slice(SERVER_TO_USER_PREFIX.length) : name;
  return name.length <= MAX_NAME_LENGTH && CHANNEL_NAME.test(rest);
}

export type ChannelKind = "public" | "private" | "encrypted" | "presence" | "user";

export function channelKind(name: string): ChannelKind {
  if (name.startsWith(SERVER_TO_USER_PREFIX)) return "user";
  if (name.startsWith("presence-")) return "presence";
  if (name.startsWith("private-encrypted-")) return "encrypted";
  if (name.startsWith("private-")) return "private";
  return "public";
}

/** Client events are allowed only where every subscriber was authorised and the server can read the payload. */
export function acceptsClientEvents(name: string): boolean {
  const kind = channelKind(name);
  return kind === "private" || kind === "presence";
}

export const CLIENT_EVENT_PREFIX = "client-";

/** Pusher's limit for the `data` of one event, from the HTTP API or from a client. */
export const MAX_EVENT_DATA_BYTES = 10 * 1024;
