import "server-only";
import Pusher from "pusher";
import { env } from "@/server/env";

/**
 * Realtime for the app: the real `pusher` server library and what the browser's `pusher-js` needs. With
 * PUSHER_HOST set both talk to that Pusher-protocol server (the local one, soketi); otherwise to hosted Pusher in
 * PUSHER_CLUSTER over TLS.
 */

function createPusherServer(): Pusher {
  const credentials = { appId: env.PUSHER_APP_ID, key: env.PUSHER_KEY, secret: env.PUSHER_SECRET };
  if (env.PUSHER_HOST) {
    return new Pusher({
      ...credentials,
      host: env.PUSHER_HOST,
      port: env.PUSHER_PORT === undefined ? undefined : String(env.PUSHER_PORT),
      useTLS: env.PUSHER_USE_TLS,
    });
  }
  return new Pusher({ ...credentials, cluster: env.PUSHER_CLUSTER, useTLS: true });
}

let instance: Pusher | undefined;

function currentPusherServer(): Pusher {
  instance ??= createPusherServer();
  return instance;
}

/**
 * The `pusher` library instance, created on first use so merely importing this module (e.g. during `next build`)
 * opens nothing. Use it like the library: `pusherServer.trigger(channel, event, data)`.
 */
export const pusherServer: Pusher = new Proxy({} as Pusher, {
  get(_target, property) {
    const target = currentPusherServer();
    const value: unknown = Reflect.get(target, property, target);
    return typeof value === "function" ? value.bind(target) : value;
  },
});

/** Options for `new Pusher(config.key, config)` in the browser; handed over by a server component. */
export interface PublicPusherConfig {
  key: string;
  cluster: string;
  wsHost?: string;
  wsPort?: number;
  wssPort?: number;
  forceTLS: boolean;
  enabledTransports: ("ws" | "wss")[];
}

export function publicPusherConfig(): PublicPusherConfig {
  const base = { key: env.PUSHER_KEY, cluster: env.PUSHER_CLUSTER, enabledTransports: ["ws", "wss"] as ("ws" | "wss")[] };
  if (!env.PUSHER_HOST) return { ...base, forceTLS: true };
  // pusher-js takes the port from wsPort or wssPort depending on TLS; a self-hosted server serves both on one.
  const ports = env.PUSHER_PORT === undefined ? {} : { wsPort: env.PUSHER_PORT, wssPort: env.PUSHER_PORT };
  return { ...base, wsHost: env.PUSHER_HOST, ...ports, forceTLS: env.PUSHER_USE_TLS };
}

/**
 * The body for pusher-js's channel-authorization request, once the caller has decided the user may join.
 * Presence channels need `presenceData` ({ user_id, user_info }), which other members see. Throws on a
 * malformed socket id or channel name, so callers answer such requests with 400.
 */
export function authorizeChannel(
  socketId: string,
  channel: string,
  presenceData?: Pusher.PresenceChannelData,
): Pusher.ChannelAuthResponse {
  return pusherServer.authorizeChannel(socketId, channel, presenceData);
}

/** Channel names are pure and shared with the browser: they live with the event catalogue. */
export { ADMINS_CHANNEL, roomChannel, userChannel } from "@/server/domain/realtime-events";
