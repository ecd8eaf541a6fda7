"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/components/providers/trpc";
import { SUBSCRIPTION_SUCCEEDED, useSharedChannel } from "@/components/realtime/shared-pusher";
import type { RealtimeHandlers } from "@/components/realtime/bind-realtime";
import { STATUS_DATA, STATUS_EVENTS, type StatusData, type StatusEvent } from "@/components/realtime/status-events";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

interface LiveStatusProps {
  config: PublicPusherConfig;
  /** The viewer's private channel, or the admins' channel on admin pages; named by the server. */
  channel: string;
  /** Also re-render the server components (counts in the navigation) on every status event. */
  refreshServerData?: boolean;
}

/**
 * Keeps the withdrawal and store-order statuses on the page current: a status event on the channel refetches the
 * queries that show them (only those the page has mounted refetch). Renders nothing.
 */
export function LiveStatus({ config, channel, refreshServerData = false }: LiveStatusProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const refetch: Record<StatusData, () => void> = {
    withdrawals: () => {
      void queryClient.invalidateQueries(trpc.payouts.withdrawals.pathFilter());
      void queryClient.invalidateQueries(trpc.payouts.admin.pathFilter());
      void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
    },
    orders: () => {
      void queryClient.invalidateQueries(trpc.store.pathFilter());
      void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
    },
  };

  const on: RealtimeHandlers = {};
  for (const event of Object.keys(STATUS_EVENTS) as StatusEvent[]) {
    on[event] = () => {
      refetch[STATUS_EVENTS[event]]();
      if (refreshServerData) router.refresh();
    };
  }

  useSharedChannel({
    config,
    channel,
    on,
    // Events sent while the tab was not subscribed are lost; server components stay: the server just rendered them.
    onPusherEvent: (event) => {
      if (event === SUBSCRIPTION_SUCCEEDED) for (const data of STATUS_DATA) refetch[data]();
    },
  });
  return null;
}
