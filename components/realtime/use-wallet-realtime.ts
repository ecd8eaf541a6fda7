"use client";

import { focusManager, useQueryClient } from "@tanstack/react-query";
import Pusher from "pusher-js";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { WALLET_UPDATED_EVENT, balancesFromWalletUpdate } from "@/components/realtime/wallet-update";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

export type RealtimeStatus = "connecting" | "live" | "offline";

const PUSHER_AUTH_ENDPOINT = "/api/pusher/auth";

/**
 * Keeps the wallet queries current: a `wallet.updated` event on the member's private channel replaces the
 * cached balances and refetches history and purchases. Events sent while the tab was not subscribed are lost,
 * so every (re)subscription and every return to the tab refetches as well.
 */
export function useWalletRealtime({
  config,
  channel,
  onEvent,
}: {
  config: PublicPusherConfig;
  channel: string;
  /** Every event on the channel, for pages that follow more than the wallet (a performer's tips). */
  onEvent?: (event: string, data: unknown) => void;
}): RealtimeStatus {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<RealtimeStatus>("connecting");
  // Read through a ref so a new callback each render doesn't reconnect.
  const onEventRef = useRef(onEvent);
  useEffect(() => {
    onEventRef.current = onEvent;
  });

  useEffect(() => {
    const refetchActivity = () => {
      void queryClient.invalidateQueries(trpc.wallet.history.pathFilter());
      void queryClient.invalidateQueries(trpc.wallet.purchase.pathFilter());
    };
    const refetchEverything = () => {
      void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
      refetchActivity();
    };

    const pusher = new Pusher(config.key, {
      ...config,
      channelAuthorization: { endpoint: PUSHER_AUTH_ENDPOINT, transport: "ajax" },
    });
    pusher.connection.bind("state_change", ({ current }: { current: string }) => {
      if (current === "connecting") setStatus("connecting");
      else if (current !== "connected") setStatus("offline");
    });
    const subscription = pusher.subscribe(channel);
    subscription.bind("pusher:subscription_succeeded", () => {
      setStatus("live");
      refetchEverything();
    });
    subscription.bind("pusher:subscription_error", () => setStatus("offline"));
    subscription.bind(WALLET_UPDATED_EVENT, (data: unknown) => {
      const balances = balancesFromWalletUpdate(data);
      if (balances) queryClient.setQueryData(trpc.wallet.balances.queryKey(), balances);
      refetchActivity();
    });
    subscription.bind_global((event: string, data: unknown) => onEventRef.current?.(event, data));
    const stopWatchingFocus = focusManager.subscribe((focused) => {
      if (focused) refetchEverything();
    });

    return () => {
      stopWatchingFocus();
      pusher.disconnect();
    };
  }, [config, channel, queryClient, trpc]);

  return status;
}
