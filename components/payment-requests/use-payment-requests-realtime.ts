"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { SUBSCRIPTION_SUCCEEDED, useSharedChannel } from "@/components/realtime/shared-pusher";
import type { PaymentRequestUpdatedPayload } from "@/server/domain/realtime-events";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

/**
 * Keeps every payment request query current: a `payment_request.updated` on the viewer's private channel (and
 * every (re)subscription, which may have missed some) refetches them. `onUpdate` hears each change as it comes.
 */
export function usePaymentRequestsRealtime({
  config,
  channel,
  onUpdate,
}: {
  config: PublicPusherConfig;
  channel: string | null;
  onUpdate?: (payload: PaymentRequestUpdatedPayload) => void;
}): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refetch = () => void queryClient.invalidateQueries(trpc.paymentRequests.pathFilter());
  useSharedChannel({
    config,
    channel,
    onPusherEvent: (event) => {
      if (event === SUBSCRIPTION_SUCCEEDED) refetch();
    },
    on: {
      "payment_request.updated": (payload) => {
        refetch();
        onUpdate?.(payload);
      },
    },
  });
}
