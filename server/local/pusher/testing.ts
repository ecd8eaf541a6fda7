import Pusher from "pusher";
import PusherClient from "pusher-js";
import { WebSocket } from "ws";
import { startPusherServer, type PusherServerHandle, type PusherServerOptions } from "./server";

/** Shared by the local Pusher server's tests: a server on a free port, the real client libraries, a raw socket. */

export const testApp = { appId: "test-app", key: "test-key", secret: "test-secret" } as const;

export function startTestServer(options: Partial<PusherServerOptions> = {}): Promise<PusherServerHandle> {
  return startPusherServer({ port: 0, ...testApp, ...options });
}

/** The real `pusher` server library pointed at the test server; a different secret makes it a forger. */
export function serverLibrary(server: PusherServerHandle, secret: string = testApp.secret): Pusher {
  const { hostname, port } = new URL(server.url);
  return new Pusher({ appId: testApp.appId, key: testApp.key, secret, host: hostname, port, useTLS: false });
}

export interface ClientOptions {
  /** Identity for presence channels, signed into channel_data. */
  presence?: Pusher.PresenceChannelData;
  /** Sign channel authorisations (and signins) with this secret instead of the app's. */
  authSecret?: string;
  /** The user pusher-js signs in as when `client.signin()` is called. */
  user?: Pusher.UserChannelData;
}

/**
 * pusher-js (its Node build) connected to the test server. Channel authorisation and user sign-in go through the
 * real `pusher` library's authorizeChannel / authenticateUser, as an app's auth endpoints would do it.
 */
export function connectClient(server: PusherServerHandle, options: ClientOptions = {}): PusherClient {
  const { hostname, port } = new URL(server.url);
  const authorizer = serverLibrary(server, options.authSecret);
  return new PusherClient(testApp.key, {
    cluster: "local",
    wsHost: hostname,
    wsPort: Number(port),
    forceTLS: false,
    enabledTransports: ["ws"],
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        const presence = channelName.startsWith("presence-") ? options.presence : undefined;
        callback(null, authorizer.authorizeChannel(socketId, channelName, presence));
      },
    },
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        if (!options.user) callback(new Error("this test client has no user to sign in as"), null);
        else callback(null, authorizer.authenticateUser(socketId, options.user));
      },
    },
  });
}

interface Bindable {
  bind(event: string, callback: (...args: never[]) => void): unknown;
  unbind(event: string, callback: (...args: never[]) => void): unknown;
}

/** Resolves with the arguments of the next `event` emitted by a pusher-js channel or connection. */
export function nextEvent<T extends unknown[] = [unknown]>(target: Bindable, event: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (...args: never[]) => {
      target.unbind(event, listener);
      resolve(args as unknown as T);
    };
    target.bind(event, listener);
  });
}

/** Every `event` a channel emits, in order, for asserting what did (not) arrive. */
export function record<T = unknown>(target: Bindable, event: string): T[] {
  const seen: T[] = [];
  target.bind(event, ((data: T) => seen.push(data)) as (...args: never[]) => void);
  return seen;
}

export interface RawMessage {
  event: string;
  channel?: string;
  data?: unknown;
  user_id?: string;
}

/** A bare WebSocket speaking the protocol by hand, for what pusher-js never sends or hides. */
export class RawClient {
  private readonly received: RawMessage[] = [];
  private readonly waiters: { matches: (message: RawMessage) => boolean; resolve: (message: RawMessage) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (raw) => this.accept(JSON.parse(raw.toString()) as RawMessage));
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  static connect(server: PusherServerHandle, path = `/app/${testApp.key}?protocol=7&client=raw-test&version=1`): RawClient {
    return new RawClient(new WebSocket(server.url.replace(/^http/, "ws") + path));
  }

  /** Waits for connection_established and returns the socket id. */
  async established(): Promise<string> {
    const message = await this.next("pusher:connection_established");
    return (JSON.parse(message.data as string) as { socket_id: string }).socket_id;
  }

  send(message: RawMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The next message with this event name (earlier ones already received count), consumed once. */
  next(event: string, channel?: string): Promise<RawMessage> {
    const matches = (message: RawMessage) => message.event === event && (channel === undefined || message.channel === channel);
    const index = this.received.findIndex(matches);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0] as RawMessage);
    return new Promise((resolve) => this.waiters.push({ matches, resolve }));
  }

  /** Messages received and not yet consumed by next(). */
  pending(event: string): RawMessage[] {
    return this.received.filter((message) => message.event === event);
  }

  close(): void {
    this.socket.close();
  }

  private accept(message: RawMessage): void {
    const waiter = this.waiters.findIndex((candidate) => candidate.matches(message));
    if (waiter >= 0) this.waiters.splice(waiter, 1)[0]?.resolve(message);
    else this.received.push(message);
  }
}
