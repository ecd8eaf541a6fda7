import { randomInt } from "node:crypto";
import { WebSocket, type RawData } from "ws";
import type { ChannelRegistry, PresenceMemberData, Subscriber } from "./channels";
import {
  acceptsClientEvents,
  channelEvent,
  channelKind,
  CLIENT_EVENT_PREFIX,
  connectionEstablished,
  dataAsRecord,
  decodeIncomingMessage,
  encodeMessage,
  ErrorCode,
  errorMessage,
  isValidChannelName,
  MAX_EVENT_DATA_BYTES,
  MAX_NAME_LENGTH,
  SERVER_TO_USER_PREFIX,
  type IncomingMessage,
  type OutgoingMessage,
} from "./protocol";
import { isValidChannelAuth, isValidUserAuth, type AppCredentials } from "./signing";
import type { WebhookEvent } from "./webhooks";

/** Pusher's default limit on client events a single connection may send. */
export const CLIENT_EVENTS_PER_SECOND = 10;

export interface ConnectionContext {
  app: AppCredentials;
  channels: ChannelRegistry;
  /** Seconds of silence after which the server pings; also announced to the client in connection_established. */
  activityTimeoutSeconds: number;
  /** Seconds the client has to answer that ping before the connection is closed with 4201. */
  pongTimeoutSeconds: number;
  onClientEvent(event: Extract<WebhookEvent, { name: "client_event" }>): void;
  onClosed(connection: PusherConnection): void;
}

/** Socket ids look like Pusher's ("1234.5678"); the `pusher` library rejects anything else. */
function newSocketId(): string {
  return `${randomInt(1, 2 ** 31)}.${randomInt(1, 2 ** 31)}`;
}

/** One client's WebSocket: its subscriptions, the client events it sends, and the liveness check. */
export class PusherConnection implements Subscriber {
  readonly socketId = newSocketId();
  private readonly subscriptions = new Set<string>();
  private idleTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private clientEventWindowStartedAt = 0;
  private clientEventsInWindow = 0;
  /** Set by a successful pusher:signin. */
  private user: PresenceMemberData | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly context: ConnectionContext,
  ) {}

  open(): void {
    this.socket.on("message", (raw, isBinary) => this.receive(raw, isBinary));
    // Transport-level pongs (from clients that use WebSocket pings) count as activity too.
    this.socket.on("pong", () => this.markActive());
    this.socket.on("close", () => this.closed());
    // ws reports protocol violations here and then closes the socket; the close handler cleans up.
    this.socket.on("error", () => {});
    this.send(connectionEstablished(this.socketId, this.context.activityTimeoutSeconds));
    this.idleTimer = setTimeout(() => this.pingIdleClient(), this.context.activityTimeoutSeconds * 1000);
  }

  send(message: OutgoingMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(encodeMessage(message));
  }

  /** Closes with 4200 so clients reconnect at once (to a restarted server); resolves when the socket is gone. */
  shutdown(graceMs = 1_000): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => this.socket.terminate(), graceMs);
      this.socket.once("close", () => {
        clearTimeout(force);
        resolve();
      });
      this.socket.close(ErrorCode.reconnectImmediately, "Server shutting down");
    });
  }

  private receive(raw: RawData, isBinary: boolean): void {
    this.markActive();
    const message = isBinary ? undefined : decodeIncomingMessage(raw.toString());
    if (!message) {
      this.send(errorMessage("Messages must be JSON text frames with an event name"));
      return;
    }
    switch (message.event) {
      case "pusher:ping":
        this.send({ event: "pusher:pong", data: {} });
        return;
      case "pusher:pong":
        return;
      case "pusher:subscribe":
        this.subscribe(message.data);
        return;
      case "pusher:unsubscribe":
        this.unsubscribe(message.data);
        return;
      case "pusher:signin":
        this.signin(message.data);
        return;
    }
    if (message.event.startsWith(CLIENT_EVENT_PREFIX)) {
      this.relayClientEvent(message);
      return;
    }
    this.send(errorMessage(`Unsupported event '${message.event}'`));
  }

  private subscribe(data: unknown): void {
    const request = dataAsRecord(data);
    const channel = request?.channel;
    if (typeof channel !== "string") {
      this.send(errorMessage("pusher:subscribe needs data.channel"));
      return;
    }
    const verdict = this.authorizeSubscription(channel, request ?? {});
    if ("rejected" in verdict) {
      this.rejectSubscription(channel, verdict.rejected, verdict.error);
      return;
    }
    const presence = this.context.channels.subscribe(channel, this, verdict.member);
    this.subscriptions.add(channel);
    this.send(channelEvent("pusher_internal:subscription_succeeded", channel, presence ?? {}));
  }

  private authorizeSubscription(
    channel: string,
    request: Record<string, unknown>,
  ): { member?: PresenceMemberData } | { rejected: 400 | 401; error: string } {
    if (!isValidChannelName(channel)) return { rejected: 400, error: `Invalid channel name '${channel}'` };
    const kind = channelKind(channel);
    if (kind === "public") return {};
    if (kind === "user") {
      return this.user && channel === SERVER_TO_USER_PREFIX + this.user.userId
        ? {}
        : { rejected: 401, error: "Only the signed-in user's own connections may join their #server-to-user channel" };
    }
    const auth = typeof request.auth === "string" ? request.auth : "";
    const channelData = kind === "presence" && typeof request.channel_data === "string" ? request.channel_data : undefined;
    // A signed-in user may join presence channels without channel_data; they appear with their signin identity.
    const member = kind !== "presence" ? undefined : channelData === undefined ? this.user : parsePresenceMember(channelData);
    if (kind === "presence" && !member) {
      return { rejected: 400, error: "Presence channels need channel_data with a user_id, or a signed-in user" };
    }
    if (!isValidChannelAuth(this.context.app, { socketId: this.socketId, channel, auth, channelData })) {
      const signed = channelData === undefined ? `${this.socketId}:${channel}` : `${this.socketId}:${channel}:${channelData}`;
      return { rejected: 401, error: `Invalid signature: expected HMAC SHA256 hex digest of '${signed}' signed with the app secret` };
    }
    return { member };
  }

  /** User authentication (pusher:signin): a bad signature gets error 4009 and the connection is closed with it. */
  private signin(data: unknown): void {
    const request = dataAsRecord(data);
    const userData = typeof request?.user_data === "string" ? request.user_data : "";
    const auth = typeof request?.auth === "string" ? request.auth : "";
    const user = parseSignedInUser(userData);
    if (!user || !isValidUserAuth(this.context.app, { socketId: this.socketId, userData, auth })) {
      const reason = "Connection is unauthorized";
      this.send(errorMessage(`${reason}: invalid pusher:signin`, ErrorCode.unauthorized));
      this.socket.close(ErrorCode.unauthorized, reason);
      return;
    }
    this.user = user;
    this.send({ event: "pusher:signin_success", data: JSON.stringify({ user_data: userData }) });
  }

  /** pusher-js surfaces this on the channel as `pusher:subscription_error` with the same data. */
  private rejectSubscription(channel: string, status: 400 | 401, error: string): void {
    const type = status === 401 ? "AuthError" : "SubscriptionError";
    this.send(channelEvent("pusher:subscription_error", channel, { type, error, status }));
  }

  private unsubscribe(data: unknown): void {
    const channel = dataAsRecord(data)?.channel;
    if (typeof channel !== "string" || !this.subscriptions.delete(channel)) return;
    this.context.channels.unsubscribe(channel, this.socketId);
  }

  private relayClientEvent(message: IncomingMessage): void {
    const { channel, event } = message;
    if (channel === undefined || !acceptsClientEvents(channel)) {
      this.send(errorMessage("Client events are only supported on private and presence channels"));
      return;
    }
    if (!this.subscriptions.has(channel)) {
      this.send(errorMessage(`Client event rejected: not subscribed to '${channel}'`));
      return;
    }
    if (event.length > MAX_NAME_LENGTH) {
      this.send(errorMessage(`Event names are limited to ${MAX_NAME_LENGTH} characters`));
      return;
    }
    if (!this.withinClientEventRate()) {
      this.send(errorMessage(`Client event rejected: more than ${CLIENT_EVENTS_PER_SECOND} per second`, ErrorCode.clientEventRateLimit));
      return;
    }
    const data = typeof message.data === "string" ? message.data : JSON.stringify(message.data ?? null);
    if (Buffer.byteLength(data) > MAX_EVENT_DATA_BYTES) {
      this.send(errorMessage(`Client event data is limited to ${MAX_EVENT_DATA_BYTES} bytes`));
      return;
    }
    const userId = this.context.channels.presenceUserId(channel, this.socketId);
    const relayed: OutgoingMessage = { ...channelEvent(event, channel, data), ...(userId === undefined ? {} : { user_id: userId }) };
    this.context.channels.publish(channel, relayed, this.socketId);
    this.context.onClientEvent({
      name: "client_event",
      channel,
      event,
      data,
      socket_id: this.socketId,
      ...(userId === undefined ? {} : { user_id: userId }),
    });
  }

  private withinClientEventRate(): boolean {
    const now = Date.now();
    if (now - this.clientEventWindowStartedAt >= 1_000) {
      this.clientEventWindowStartedAt = now;
      this.clientEventsInWindow = 0;
    }
    this.clientEventsInWindow += 1;
    return this.clientEventsInWindow <= CLIENT_EVENTS_PER_SECOND;
  }

  private markActive(): void {
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
    this.idleTimer?.refresh();
  }

  private pingIdleClient(): void {
    this.send({ event: "pusher:ping", data: {} });
    this.pongTimer = setTimeout(() => {
      this.socket.close(ErrorCode.pongNotReceived, "Pong reply not received");
    }, this.context.pongTimeoutSeconds * 1000);
  }

  private closed(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.pongTimer);
    for (const channel of this.subscriptions) this.context.channels.unsubscribe(channel, this.socketId);
    this.subscriptions.clear();
    this.context.onClosed(this);
  }
}

/** channel_data is `{"user_id": ..., "user_info": ...}`; numeric ids are accepted and compared as strings. */
function parsePresenceMember(channelData: string): PresenceMemberData | undefined {
  const parsed = dataAsRecord(channelData);
  const userId = parsed?.user_id;
  if (typeof userId !== "number" && (typeof userId !== "string" || userId === "")) return undefined;
  return { userId: String(userId), userInfo: parsed?.user_info ?? null };
}

/** user_data from pusher:signin is `{"id": "...", "user_info"?: ...}`; the id must be a non-empty string. */
function parseSignedInUser(userData: string): PresenceMemberData | undefined {
  const parsed = dataAsRecord(userData);
  if (typeof parsed?.id !== "string" || parsed.id === "") return undefined;
  return { userId: parsed.id, userInfo: parsed.user_info ?? null };
}
