"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { SUBSCRIPTION_SUCCEEDED, useSharedChannel } from "@/components/realtime/shared-pusher";
import type { TabUpdatedPayload } from "@/server/domain/realtime-events";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

/**
 * Keeps every tab query on the page current: `tab.updated` on the viewer's channel (the member's, the performer's or
 * the admins') refetches the tabs and the balances (a tab's `left` is the tab wallet), `wallet.updated` the tabs
 * (a tip or a show charge from the tab moved what it accrued). Events sent while not
 * subscribed are lost, so each (re)subscription refetches too. Renders nothing.
 */
export function TabRealtime({ config, channel, onUpdate }: { config: PublicPusherConfig; channel: string; onUpdate?: (payload: TabUpdatedPayload) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refetch = () => {
    void queryClient.invalidateQueries(trpc.tabs.pathFilter());
    void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
  };
  useSharedChannel({
    config,
    channel,
    on: {
      "tab.updated": (payload) => {
        refetch();
        onUpdate?.(payload);
      },
      // A sale from the tab moves its wallet without a tab event: what it accrued is read again.
      "wallet.updated": () => void queryClient.invalidateQueries(trpc.tabs.pathFilter()),
    },
    onPusherEvent: (event) => {
      if (event === SUBSCRIPTION_SUCCEEDED) refetch();
    },
  });
  return null;
}
