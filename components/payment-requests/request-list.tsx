"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { addressLines } from "@/server/domain/store";
import type { PaymentRequestStatus } from "@/server/generated/prisma/enums";
import type { PublicPusherConfig } from "@/server/integrations/pusher";
import type { PaymentRequestView } from "@/server/services/payment-requests";
import { PAYMENT_REQUEST_TYPE_LABELS, STATUS_LABELS, dateTimeFormat, timeFormat } from "./labels";
import { PayRequestDialog } from "./pay-dialog";
import { ServiceButtons } from "./request-lines";
import { ShippingDialog } from "./shipping-dialog";
import { usePaymentRequestsRealtime } from "./use-payment-requests-realtime";

type Side = "sent" | "received";

const FILTERS: Array<{ value: PaymentRequestStatus | undefined; label: string }> = [
  { value: undefined, label: "All" },
  { value: "PENDING", label: "Waiting" },
  { value: "PAID", label: "Paid" },
  { value: "DECLINED", label: "Declined" },
  { value: "EXPIRED", label: "Expired" },
];

function Payment({ request }: { request: PaymentRequestView }) {
  return (
    <>
      <span className="font-semibold tabular-nums">{formatCredits(request.amount)}</span>
      {request.paidByCard ? (
        <span className="block text-xs text-muted">by card, {formatMinor(request.paidByCard.amountMinor, request.paidByCard.currency)}</span>
      ) : request.paidFromWallet ? (
        <span className="block text-xs text-muted">from {request.paidFromWallet}</span>
      ) : null}
      {request.performerShare !== null ? <span className="block text-xs text-muted">your share {formatCredits(request.performerShare)}</span> : null}
    </>
  );
}

function Progress({ request, side }: { request: PaymentRequestView; side: Side }) {
  if (request.status === "PENDING") return <span className="text-xs text-muted">Expires at {timeFormat.format(request.expiresAt)}</span>;
  if (request.status !== "PAID") return request.cardRefundedLate ? <span className="text-xs text-muted">A late card payment was refunded</span> : null;
  if (request.type === "SERVICE") {
    return (
      <span className="block text-xs text-muted">
        {request.serviceStartedAt ? `Started ${timeFormat.format(request.serviceStartedAt)}` : "Not started yet"}
        {request.serviceFinishedAt ? ` · finished ${timeFormat.format(request.serviceFinishedAt)}` : ""}
      </span>
    );
  }
  return (
    <span className="block text-xs text-muted">
      {request.shippingAddress ? `Ship to: ${addressLines(request.shippingAddress).join(", ")}` : side === "sent" ? "Waiting for the shipping address" : "Add your shipping address"}
    </span>
  );
}

/**
 * A side's payment requests, newest first and live: the performer's sent ones (with service times to record) or the
 * member's received ones (to pay, or to give a shipping address for), filtered by status.
 */
export function PaymentRequestList({ side, config, channel }: { side: Side; config: PublicPusherConfig; channel: string }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<PaymentRequestStatus | undefined>(undefined);
  const [paying, setPaying] = useState<PaymentRequestView | null>(null);
  const [shipping, setShipping] = useState<PaymentRequestView | null>(null);
  const requests = useQuery(side === "sent" ? trpc.paymentRequests.sent.queryOptions({ status }) : trpc.paymentRequests.received.queryOptions({ status }));
  usePaymentRequestsRealtime({ config, channel });

  const columns: Column<PaymentRequestView>[] = [
    {
      key: "sent",
      header: "Sent",
      className: "whitespace-nowrap",
      sortValue: (request) => request.createdAt.getTime(),
      cell: (request) => dateTimeFormat.format(request.createdAt),
    },
    side === "sent"
      ? { key: "member", header: "Member", sortValue: (request) => request.member.displayName, cell: (request) => request.member.displayName }
      : {
          key: "performer",
          header: "Performer",
          sortValue: (request) => request.performer.stageName,
          cell: (request) => (
            <Link href={`/room/${request.performer.username}`} className="font-medium text-accent-700 hover:underline">
              {request.performer.stageName}
            </Link>
          ),
        },
    {
      key: "what",
      header: "For",
      sortValue: (request) => request.description,
      cell: (request) => (
        <>
          <span className="block break-words">{request.description}</span>
          <span className="block text-xs text-muted">{PAYMENT_REQUEST_TYPE_LABELS[request.type]}</span>
        </>
      ),
    },
    { key: "credits", header: "Credits", align: "right", sortValue: (request) => request.amount, cell: (request) => <Payment request={request} /> },
    {
      key: "status",
      header: "Status",
      sortValue: (request) => request.status,
      cell: (request) => (
        <>
          <Badge tone={STATUS_LABELS[request.status].tone}>{STATUS_LABELS[request.status].label}</Badge>
          <Progress request={request} side={side} />
        </>
      ),
    },
    {
      key: "actions",
      header: "Actions",
      hiddenHeader: true,
      align: "right",
      cell: (request) => {
        if (side === "sent") return request.status === "PAID" && request.type === "SERVICE" ? <ServiceButtons request={request} /> : null;
        if (request.status === "PENDING") return <Button size="sm" onClick={() => setPaying(request)}>Pay now</Button>;
        if (request.status === "PAID" && request.type === "GOODS") {
          return (
            <Button size="sm" variant="secondary" onClick={() => setShipping(request)}>
              {request.shippingAddress ? "Change address" : "Add address"}
            </Button>
          );
        }
        return null;
      },
    },
  ];

  return (
    <div className="space-y-4">
      <div role="group" aria-label="Show requests" className="flex flex-wrap gap-2">
        {FILTERS.map((filter) => (
          <Button key={filter.label} size="sm" variant={filter.value === status ? "primary" : "secondary"} aria-pressed={filter.value === status} onClick={() => setStatus(filter.value)}>
            {filter.label}
          </Button>
        ))}
      </div>
      <DataTable
        rows={requests.data}
        failed={requests.isError ? { onRetry: () => void requests.refetch(), retrying: requests.isFetching } : null}
        columns={columns}
        rowKey={(request) => request.id}
        caption={side === "sent" ? "Payment requests you sent, newest first" : "Payment requests sent to you, newest first"}
        what="payment requests"
        empty={
          side === "sent"
            ? { title: "No payment requests", description: "Send one from your room's chat column while you're live: the member sees it at once." }
            : { title: "No payment requests", description: "When a performer asks you to pay for a service or goods in their room, it shows up here." }
        }
        filterText={(request) => [request.description, request.member.displayName, request.performer.stageName].join(" ")}
      />
      <PayRequestDialog key={paying?.id ?? "none"} request={paying} onClose={() => setPaying(null)} />
      {shipping ? <ShippingDialog key={shipping.id} requestId={shipping.id} current={shipping.shippingAddress} onClose={() => setShipping(null)} /> : null}
    </div>
  );
}
