"use client";

import { focusManager, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { SUBSCRIPTION_SUCCEEDED, useSharedChannel } from "@/components/realtime/shared-pusher";
import { WALLET_UPDATED_EVENT, balancesFromWalletUpdate } from "@/components/realtime/wallet-update";
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
  onEvent,
}: {
  config: PublicPusherConfig;
  channel: string;
  /** Every event on the channel, for pages that follow more than the wallet (a performer's tips). */
  onEvent?: (event: string, data: unknown) => void;
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

  const status = useSharedChannel({
    config,
    channel,
    onEvent: (event, data) => {
      if (event === SUBSCRIPTION_SUCCEEDED) void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
      if (event === WALLET_UPDATED_EVENT) {
        const balances = balancesFromWalletUpdate(data);
        if (balances) queryClient.setQueryData(trpc.wallet.balances.queryKey(), balances);
      }
      if (event === SUBSCRIPTION_SUCCEEDED || event === WALLET_UPDATED_EVENT) {
        void queryClient.invalidateQueries(trpc.wallet.history.pathFilter());
        void queryClient.invalidateQueries(trpc.wallet.purchase.pathFilter());
      }
      onEvent?.(event, data);
    },
  });
  return status === "refused" ? "offline" : status;
}
