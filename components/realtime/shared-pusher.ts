"use client";

import Pusher, { type Channel } from "pusher-js";
import { useEffect, useRef, useState } from "react";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

/**
 * The tab's one pusher-js connection. Every component that follows a channel joins it here: the first opens the
 * connection, channels are subscribed once however many components follow them, and the connection closes a
 * moment after the last one leaves (the moment keeps it across a page change, which unmounts one follower just
 * before mounting the next).
 */

const PUSHER_AUTH_ENDPOINT = "/api/pusher/auth";
const DISCONNECT_GRACE_MS = 2_000;

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
 * Follows `channel` on the tab's connection while mounted (null: follows nothing). Every event on it, including
 * pusher-js's own (`pusher:subscription_succeeded`, presence `pusher:member_added`...), goes to `onEvent` with the
 * channel; a follower joining a channel that is already subscribed gets `pusher:subscription_succeeded` too.
 */
export function useSharedChannel({
  config,
  channel,
  onEvent,
}: {
  config: PublicPusherConfig;
  channel: string | null;
  onEvent?: (event: string, data: unknown, subscription: Channel) => void;
}): ChannelStatus {
  const [status, setStatus] = useState<ChannelStatus>("connecting");
  // Read through a ref so a new callback each render doesn't resubscribe.
  const onEventRef = useRef(onEvent);
  useEffect(() => {
    onEventRef.current = onEvent;
  });

  useEffect(() => {
    if (channel === null) return;
    const joined = joinChannel(config, channel);
    let active = true;
    const forward = (event: string, data: unknown) => {
      if (!active) return;
      if (event === SUBSCRIPTION_SUCCEEDED) setStatus("live");
      else if (event === SUBSCRIPTION_ERROR) setStatus("refused");
      onEventRef.current?.(event, data, joined.channel);
    };
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
      joined.pusher.connection.unbind("state_change", followConnection);
      joined.leave();
    };
  }, [config, channel]);

  return status;
}
