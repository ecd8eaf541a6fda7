"use client";

import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { addressLines } from "@/server/domain/store";
import type { PaymentRequestView } from "@/server/services/payment-requests";
import { PAYMENT_REQUEST_TYPE_LABELS, STATUS_LABELS, timeFormat } from "./labels";

/** A line in the room's chat that only the two sides of a payment request see, placed by its time. */
export interface PrivateChatLine {
  key: string;
  at: Date;
  node: ReactNode;
}

export interface RequestActions {
  /** The member reopens the pay pop-up. */
  onPay: (request: PaymentRequestView) => void;
  /** The member gives or corrects a goods request's shipping address. */
  onShipping: (request: PaymentRequestView) => void;
}

function paidHow(request: PaymentRequestView): string {
  if (request.paidByCard) return `by card (${formatMinor(request.paidByCard.amountMinor, request.paidByCard.currency)})`;
  return `from ${request.paidFromWallet ?? "a wallet"}`;
}

function Line({ label, tone, between, children }: { label: string; tone: "accent" | "success" | "danger" | "neutral" | "info"; between: string; children: ReactNode }) {
  return (
    <div className="space-y-1.5 rounded-control border border-line bg-subtle p-3 text-sm">
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone={tone}>{label}</Badge>
        <span className="text-xs text-muted">Only you and {between} see this</span>
      </p>
      {children}
    </div>
  );
}

export function ServiceButtons({ request }: { request: PaymentRequestView }) {
  const trpc = useTRPC();
  const toast = useToast();
  const start = useMutation(trpc.paymentRequests.startService.mutationOptions());
  const finish = useMutation(trpc.paymentRequests.finishService.mutationOptions());
  const onError = (error: unknown) => toast.error("That didn't work", describeTrpcError(error).message);
  if (request.serviceFinishedAt) return null;
  return request.serviceStartedAt ? (
    <Button size="sm" loading={finish.isPending} onClick={() => finish.mutate({ requestId: request.id }, { onError })}>
      Service finished
    </Button>
  ) : (
    <Button size="sm" loading={start.isPending} onClick={() => start.mutate({ requestId: request.id }, { onError })}>
      Service starts now
    </Button>
  );
}

/**
 * The chat lines of the viewer's payment requests in this room: the request, then its receipt (or that it was
 * declined or expired), then a service's start and finish. The performer times a paid service from its receipt;
 * the member pays a pending request, or gives a paid goods request's address, from theirs.
 */
export function requestChatLines(requests: readonly PaymentRequestView[], viewerIsPerformer: boolean, actions: RequestActions): PrivateChatLine[] {
  const lines: PrivateChatLine[] = [];
  for (const request of requests) {
    const who = viewerIsPerformer ? `You asked ${request.member.displayName}` : `${request.performer.stageName} asks you`;
    const status = STATUS_LABELS[request.status];
    const between = viewerIsPerformer ? request.member.displayName : request.performer.stageName;
    lines.push({
      key: `${request.id}:sent`,
      at: request.createdAt,
      node: (
        <Line between={between} label="Payment request" tone="accent">
          <p>
            {who} for <span className="font-semibold tabular-nums">{formatCredits(request.amount)} credits</span>: {PAYMENT_REQUEST_TYPE_LABELS[request.type].toLowerCase()}, “
            <span className="break-words">{request.description}</span>”
          </p>
          <p className="flex flex-wrap items-center gap-2">
            <Badge tone={status.tone}>{status.label}</Badge>
            {request.status === "PENDING" ? <span className="text-xs text-muted">until {timeFormat.format(request.expiresAt)}</span> : null}
            {request.status === "PENDING" && !viewerIsPerformer ? (
              <Button size="sm" onClick={() => actions.onPay(request)}>
                Pay now
              </Button>
            ) : null}
          </p>
        </Line>
      ),
    });
    if (request.status === "PAID" && request.closedAt) {
      const receipt = viewerIsPerformer
        ? `${request.member.displayName} paid ${formatCredits(request.amount)} credits ${paidHow(request)}${request.performerShare !== null ? `; your share: ${formatCredits(request.performerShare)} credits` : ""}.`
        : `You paid ${request.performer.stageName} ${formatCredits(request.amount)} credits ${paidHow(request)}. A receipt is in your inbox.`;
      lines.push({
        key: `${request.id}:paid`,
        at: request.closedAt,
        node: (
          <Line between={between} label="Receipt" tone="success">
            <p>
              {receipt} <span className="text-muted">“{request.description}”</span>
            </p>
            {request.type === "SERVICE" && viewerIsPerformer ? <ServiceButtons request={request} /> : null}
            {request.type === "GOODS" ? (
              request.shippingAddress ? (
                <p className="text-muted">Ship to: {addressLines(request.shippingAddress).join(", ")}</p>
              ) : (
                <p className="text-muted">{viewerIsPerformer ? "Waiting for the shipping address." : "Where should it be shipped?"}</p>
              )
            ) : null}
            {request.type === "GOODS" && !viewerIsPerformer ? (
              <Button size="sm" variant="secondary" onClick={() => actions.onShipping(request)}>
                {request.shippingAddress ? "Change shipping address" : "Add shipping address"}
              </Button>
            ) : null}
          </Line>
        ),
      });
    }
    if ((request.status === "DECLINED" || request.status === "EXPIRED") && request.closedAt) {
      lines.push({
        key: `${request.id}:closed`,
        at: request.closedAt,
        node: (
          <Line between={between} label={request.status === "DECLINED" ? "Declined" : "Expired"} tone="neutral">
            <p>
              {request.status === "DECLINED"
                ? `${viewerIsPerformer ? request.member.displayName : "You"} declined the request for “${request.description}”.`
                : `The request for “${request.description}” expired unpaid.`}
              {request.cardRefundedLate ? " A card payment that arrived too late is refunded in full." : ""}
            </p>
          </Line>
        ),
      });
    }
    for (const [step, at] of [
      ["Service started", request.serviceStartedAt],
      ["Service finished", request.serviceFinishedAt],
    ] as const) {
      if (!at) continue;
      lines.push({
        key: `${request.id}:${step}`,
        at,
        node: (
          <Line between={between} label={step} tone="info">
            <p>
              {step} at {timeFormat.format(at)}: “{request.description}”
            </p>
          </Line>
        ),
      });
    }
  }
  return lines;
}
