"use client";

import Pusher, { type Channel } from "pusher-js";
import { useEffect, useRef, useState } from "react";
import { type RealtimeHandlers, bindRealtimeHandlers } from "@/components/realtime/bind-realtime";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

/**
 * The tab's one pusher-js connection. Every component that follows a channel joins it here: the first opens the
 * connection, channels are subscribed once however many components follow them, and the connection closes a
 * moment after the last one leaves (the moment keeps it across a page change, which unmounts one follower just
 * before mounting the next).
 */

const PUSHER_AUTH_ENDPOINT = "/api/pusher/auth";
const DISCONNECT_GRACE_MS = 2_000;

/** pusher-js's own events on a channel start with this; the app's events are in server/domain/realtime-events.ts. */
const PUSHER_EVENT_PREFIX = "pusher:";
export const SUBSCRIPTION_SUCCEEDED = "pusher:subscription_succeeded";
export const SUBSCRIPTION_ERROR = "pusher:subscription_error";

interface SharedConnection {
  pusher: Pusher;
  followers: number;
  channelFollowers: Map<string, number>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

let shared: SharedConnection | null = null;

interface JoinedChannel {
  pusher: Pusher;
  channel: Channel;
  leave(): void;
}

function joinChannel(config: PublicPusherConfig, name: string): JoinedChannel {
  shared ??= {
    pusher: new Pusher(config.key, { ...config, channelAuthorization: { endpoint: PUSHER_AUTH_ENDPOINT, transport: "ajax" } }),
    followers: 0,
    channelFollowers: new Map(),
  };
  const connection = shared;
  clearTimeout(connection.idleTimer);
  connection.followers += 1;
  connection.channelFollowers.set(name, (connection.channelFollowers.get(name) ?? 0) + 1);
  const channel = connection.pusher.subscribe(name);
  let left = false;
  return {
    pusher: connection.pusher,
    channel,
    leave() {
      if (left) return;
      left = true;
      const remaining = (connection.channelFollowers.get(name) ?? 1) - 1;
      if (remaining > 0) connection.channelFollowers.set(name, remaining);
      else {
        connection.channelFollowers.delete(name);
        connection.pusher.unsubscribe(name);
      }
      connection.followers -= 1;
      if (connection.followers > 0) return;
      connection.idleTimer = setTimeout(() => {
        if (shared !== connection || connection.followers > 0) return;
        connection.pusher.disconnect();
        shared = null;
      }, DISCONNECT_GRACE_MS);
    },
  };
}

/** "refused": the auth endpoint would not sign the subscription (not allowed in that room, say). */
export type ChannelStatus = "connecting" | "live" | "offline" | "refused";

/**
 * Follows `channel` on the tab's connection while mounted (null: follows nothing). The app's events on it go to
 * the handlers in `on`, each with its payload checked against the catalogue (bindRealtime); pusher-js's own
 * (`pusher:subscription_succeeded`, presence `pusher:member_added`...) go to `onPusherEvent` with the channel. A
 * follower joining a channel that is already subscribed gets `pusher:subscription_succeeded` too.
 */
export function useSharedChannel({
  config,
  channel,
  on,
  onPusherEvent,
}: {
  config: PublicPusherConfig;
  channel: string | null;
  on?: RealtimeHandlers;
  onPusherEvent?: (event: string, data: unknown, subscription: Channel) => void;
}): ChannelStatus {
  const [status, setStatus] = useState<ChannelStatus>("connecting");
  // Read through refs so new callbacks each render don't resubscribe.
  const onRef = useRef(on);
  const onPusherEventRef = useRef(onPusherEvent);
  useEffect(() => {
    onRef.current = on;
    onPusherEventRef.current = onPusherEvent;
  });

  useEffect(() => {
    if (channel === null) return;
    const joined = joinChannel(config, channel);
    let active = true;
    const forward = (event: string, data: unknown) => {
      if (!active || !event.startsWith(PUSHER_EVENT_PREFIX)) return;
      if (event === SUBSCRIPTION_SUCCEEDED) setStatus("live");
      else if (event === SUBSCRIPTION_ERROR) setStatus("refused");
      onPusherEventRef.current?.(event, data, joined.channel);
    };
    const unbindHandlers = bindRealtimeHandlers(joined.channel, () => (active ? onRef.current : undefined));
    const followConnection = ({ current }: { current: string }) => {
      if (current === "connecting") setStatus("connecting");
      else if (current !== "connected") setStatus("offline");
    };
    joined.channel.bind_global(forward);
    joined.pusher.connection.bind("state_change", followConnection);
    // Its success event has passed for an earlier follower: replay it for this one, outside the effect.
    if (joined.channel.subscribed) queueMicrotask(() => forward(SUBSCRIPTION_SUCCEEDED, undefined));

    return () => {
      active = false;
      joined.channel.unbind_global(forward);
      unbindHandlers();
      joined.pusher.connection.unbind("state_change", followConnection);
      joined.leave();
    };
  }, [config, channel]);

  return status;
}
