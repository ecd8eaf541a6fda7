"use client";

import { focusManager, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "@/components/providers/trpc";
import type { RealtimeHandlers } from "@/components/realtime/bind-realtime";
import { SUBSCRIPTION_SUCCEEDED, useSharedChannel } from "@/components/realtime/shared-pusher";
import { balancesFromWalletUpdate } from "@/components/realtime/wallet-update";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

export type RealtimeStatus = "connecting" | "live" | "offline";

/**
 * Keeps the wallet queries current: a `wallet.updated` event on the member's private channel replaces the
 * cached balances and refetches history and purchases. Events sent while the tab was not subscribed are lost,
 * so every (re)subscription and every return to the tab refetches as well. The channel is followed on the tab's
 * one connection (components/realtime/shared-pusher.ts), shared with every other follower on the page.
 */
export function useWalletRealtime({
  config,
  channel,
  on,
}: {
  config: PublicPusherConfig;
  channel: string;
  /** Handlers for more events on the channel, for pages that follow more than the wallet (a performer's tips). */
  on?: RealtimeHandlers;
}): RealtimeStatus {
  const trpc = useTRPC();
  const queryClient = useQueryClient();

  useEffect(() => {
    return focusManager.subscribe((focused) => {
      if (!focused) return;
      void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
      void queryClient.invalidateQueries(trpc.wallet.history.pathFilter());
      void queryClient.invalidateQueries(trpc.wallet.purchase.pathFilter());
    });
  }, [queryClient, trpc]);

  const refetchActivity = () => {
    void queryClient.invalidateQueries(trpc.wallet.history.pathFilter());
    void queryClient.invalidateQueries(trpc.wallet.purchase.pathFilter());
  };
  const status = useSharedChannel({
    config,
    channel,
    onPusherEvent: (event) => {
      if (event !== SUBSCRIPTION_SUCCEEDED) return;
      void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
      refetchActivity();
    },
    on: {
      ...on,
      "wallet.updated": (payload) => {
        queryClient.setQueryData(trpc.wallet.balances.queryKey(), balancesFromWalletUpdate(payload));
        refetchActivity();
        on?.["wallet.updated"]?.(payload);
      },
    },
  });
  return status === "refused" ? "offline" : status;
}
