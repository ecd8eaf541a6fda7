"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useEffect } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { OrderActions } from "@/components/store/order-actions";
import { OrderStatusBadge, orderStatusLabel } from "@/components/store/order-status-badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Spinner } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import type { AppRouter } from "@/server/api/root";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { addressLines } from "@/server/domain/store";

type Order = inferRouterOutputs<AppRouter>["store"]["order"];

const POLL_WHILE_AWAITING_MS = 1000;
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

function Headline({ order }: { order: Order }) {
  if (order.status === "AWAITING_PAYMENT") {
    return (
      <div role="status" aria-live="polite" className="flex items-start gap-3">
        <Spinner className="mt-1 size-5 text-accent-600" />
        <div>
          <p className="font-semibold">Awaiting card payment</p>
          <p className="text-sm text-muted">
            {order.walletPart > 0n ? `${formatCredits(order.walletPart)} credits are set aside from your ${order.walletName} wallet. ` : ""}
            The order completes as soon as your card payment is confirmed; this page updates by itself.
          </p>
        </div>
      </div>
    );
  }
  const messages: Record<Exclude<Order["status"], "AWAITING_PAYMENT">, string> = {
    PAID: order.kind === "DIGITAL" ? "The download is ready." : "The seller ships it next.",
    SHIPPED: "It's on its way.",
    DELIVERED: order.kind === "DIGITAL" ? "The download is ready." : "It arrived.",
    REFUNDED: "Everything paid for it was returned.",
    CANCELLED: "The card payment didn't complete: nothing was charged to the card, and any credits set aside are back in the wallet.",
  };
  return (
    <p role="status" aria-live="polite" className="font-semibold">
      Order {orderStatusLabel(order.status).toLowerCase()}. <span className="font-normal text-muted">{messages[order.status]}</span>
    </p>
  );
}

function PayByCard({ order }: { order: Order }) {
  const trpc = useTRPC();
  const toast = useToast();
  const resume = useMutation(trpc.store.resumeCheckout.mutationOptions());
  return (
    <Button
      loading={resume.isPending || resume.isSuccess}
      loadingText="Opening checkout…"
      onClick={() =>
        resume.mutate(
          { orderId: order.id },
          {
            onSuccess: ({ checkoutUrl }) => {
              if (checkoutUrl) window.location.assign(checkoutUrl);
              else toast.info("Payment under way", "Your card payment is being processed; this page updates when it settles.");
            },
            onError: (error) => toast.error("Couldn't open the card payment", describeTrpcError(error).message),
          },
        )
      }
    >
      Pay by card
    </Button>
  );
}

/**
 * One order, for its buyer, its seller or an admin. While the card part is unpaid it polls every second, so the
 * page turns to paid (or cancelled) by itself when Stripe's webhook settles the order.
 */
export function OrderView({ initialOrder, back }: { initialOrder: Order; back: { href: string; label: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: order } = useQuery(
    trpc.store.order.queryOptions(
      { orderId: initialOrder.id },
      {
        initialData: initialOrder,
        refetchInterval: (query) => (query.state.data?.status === "AWAITING_PAYMENT" ? POLL_WHILE_AWAITING_MS : false),
      },
    ),
  );
  const settled = order.status !== "AWAITING_PAYMENT";
  useEffect(() => {
    if (settled) void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
  }, [settled, queryClient, trpc]);

  const rows: Array<[string, string]> = [
    ["Item", `${order.title}${order.quantity > 1 ? ` × ${order.quantity}` : ""}`],
    ["Seller", order.seller ? order.seller.name : "Tipmeter"],
    ["Buyer", order.buyer.name],
    ["Price", `${formatCredits(order.unitPrice)} credits each`],
    ["Total", `${formatCredits(order.total)} credits`],
    [`From ${order.walletName}`, `${formatCredits(order.walletPart)} credits`],
  ];
  if (order.cardPart > 0n && order.currency) {
    rows.push(["By card", `${formatMinor(order.cardAmountMinor, order.currency)} (${formatCredits(order.cardPart)} credits)`]);
  }
  rows.push(["Ordered", dateTimeFormat.format(order.createdAt)]);

  return (
    <div className="grid gap-6 lg:grid-cols-3 lg:items-start">
      <Card className="lg:col-span-2" aria-labelledby="order-summary-heading">
        <CardHeader id="order-summary-heading" title="Summary" action={<OrderStatusBadge status={order.status} />} />
        <CardBody className="space-y-6">
          <Headline order={order} />
          <div className="flex flex-wrap gap-2">
            {order.awaitingCard ? <PayByCard order={order} /> : null}
            {order.canDownload ? (
              <a
                href={`/api/store/orders/${order.id}/download`}
                download
                className="inline-flex h-10 items-center rounded-control bg-accent-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-accent-700"
              >
                Download
              </a>
            ) : null}
            <OrderActions order={order} size="md" />
          </div>
          <dl className="divide-y divide-line rounded-control border border-line text-sm">
            {rows.map(([label, value]) => (
              <div key={label} className="flex justify-between gap-4 px-4 py-2.5">
                <dt className="text-muted">{label}</dt>
                <dd className="text-right font-medium tabular-nums">{value}</dd>
              </div>
            ))}
          </dl>
          {order.shippingAddress ? (
            <div>
              <h3 className="text-sm font-semibold">Shipping to</h3>
              <address className="mt-1 text-sm not-italic text-muted">
                {addressLines(order.shippingAddress).map((line) => (
                  <span key={line} className="block">
                    {line}
                  </span>
                ))}
              </address>
            </div>
          ) : null}
          {order.trackingNote ? (
            <p className="text-sm">
              <span className="font-semibold">Tracking:</span> {order.trackingNote}
            </p>
          ) : null}
        </CardBody>
      </Card>
      <Card aria-labelledby="order-history-heading">
        <CardHeader id="order-history-heading" title="History" />
        <CardBody>
          <ol className="space-y-4">
            {order.events.map((event, index) => (
              <li key={index} className="text-sm">
                <div className="flex items-center justify-between gap-3">
                  <OrderStatusBadge status={event.status} />
                  <time className="text-xs text-muted" dateTime={event.at.toISOString()}>
                    {dateTimeFormat.format(event.at)}
                  </time>
                </div>
                {event.note ? <p className="mt-1">{event.note}</p> : null}
                {event.by ? <p className="text-xs text-muted">by {event.by}</p> : null}
              </li>
            ))}
          </ol>
        </CardBody>
      </Card>
      <div className="lg:col-span-3">
        <ButtonLink href={back.href} variant="secondary">
          {back.label}
        </ButtonLink>
        <Link href="/store" className="ml-3 text-sm font-medium text-accent-700 hover:underline">
          Back to the store
        </Link>
      </div>
    </div>
  );
}
