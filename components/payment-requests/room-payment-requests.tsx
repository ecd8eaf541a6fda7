"use client";

import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import type { PublicPusherConfig } from "@/server/integrations/pusher";
import type { PaymentRequestView } from "@/server/services/payment-requests";
import { PayRequestDialog } from "./pay-dialog";
import { type PrivateChatLine, requestChatLines } from "./request-lines";
import { ShippingDialog } from "./shipping-dialog";
import { usePaymentRequestsRealtime } from "./use-payment-requests-realtime";

/**
 * Payment requests in a room, for the room view: the viewer's requests there as chat lines, kept live over their
 * private channel, and for a member the pop-up of the newest pending request (shown once per request; the chat
 * line's Pay now brings it back) and the shipping address dialog.
 */
export function useRoomPaymentRequests({
  performerId,
  isPerformer,
  enabled,
  config,
  channel,
}: {
  performerId: string;
  isPerformer: boolean;
  /** In the room and signed in. */
  enabled: boolean;
  config: PublicPusherConfig;
  /** The viewer's private channel. */
  channel: string | null;
}): { lines: PrivateChatLine[]; dialogs: ReactNode } {
  const trpc = useTRPC();
  const requests = useQuery(trpc.paymentRequests.inRoom.queryOptions({ performerId }, { enabled }));
  const [payingId, setPayingId] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [shipping, setShipping] = useState<PaymentRequestView | null>(null);
  usePaymentRequestsRealtime({ config, channel: enabled ? channel : null });

  const list = requests.data ?? [];
  const pending = list.filter((request) => request.status === "PENDING");
  const popup = isPerformer ? null : (pending.find((request) => request.id === payingId) ?? pending.find((request) => !dismissed.has(request.id)) ?? null);

  const lines = requestChatLines(list, isPerformer, {
    onPay: (request) => setPayingId(request.id),
    onShipping: setShipping,
  });
  const dialogs = (
    <>
      <PayRequestDialog
        key={popup?.id ?? "none"}
        request={popup}
        onClose={() => {
          if (popup) setDismissed((current) => new Set(current).add(popup.id));
          setPayingId(null);
        }}
      />
      {shipping ? <ShippingDialog key={shipping.id} requestId={shipping.id} current={shipping.shippingAddress} onClose={() => setShipping(null)} /> : null}
    </>
  );
  return { lines, dialogs };
}
