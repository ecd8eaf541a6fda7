"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useTRPC } from "@/components/providers/trpc";
import { OrderActions } from "@/components/store/order-actions";
import { OrderStatusBadge } from "@/components/store/order-status-badge";
import type { AppRouter } from "@/server/api/root";
import { formatCredits, formatMinor } from "@/server/domain/money";

export type OrderSummary = inferRouterOutputs<AppRouter>["store"]["myOrders"][number];

/** Whose list it is: the buyer's own orders, a seller's sales, or every order for admins. */
type OrderListView = "buyer" | "seller" | "admin";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

function Payment({ order }: { order: OrderSummary }) {
  return (
    <>
      <span className="font-semibold tabular-nums">{formatCredits(order.total)}</span>
      {order.cardPart > 0n && order.currency ? (
        <span className="block text-xs text-muted">
          {formatCredits(order.walletPart)} wallet + {formatMinor(order.cardAmountMinor, order.currency)} card
        </span>
      ) : null}
    </>
  );
}

function columns(view: OrderListView): Column<OrderSummary>[] {
  const all: (Column<OrderSummary> | null)[] = [
    {
      key: "order",
      header: "Order",
      className: "whitespace-nowrap",
      sortValue: (order) => order.createdAt.getTime(),
      cell: (order) => (
        <>
          <Link href={`/orders/${order.id}`} className="font-medium text-accent-700 hover:underline">
            #{order.id.slice(0, 8)}
          </Link>
          <span className="block text-xs text-muted">{dateFormat.format(order.createdAt)}</span>
        </>
      ),
    },
    {
      key: "item",
      header: "Item",
      sortValue: (order) => order.title,
      cell: (order) => (
        <>
          {order.title}
          {order.quantity > 1 ? <span className="text-muted"> × {order.quantity}</span> : null}
        </>
      ),
    },
    view !== "buyer" ? { key: "buyer", header: "Buyer", sortValue: (order) => order.buyer.name, cell: (order) => order.buyer.name } : null,
    view !== "seller" ? { key: "seller", header: "Seller", sortValue: (order) => order.seller?.name ?? "Tipmeter", cell: (order) => (order.seller ? order.seller.name : "Tipmeter") } : null,
    { key: "credits", header: "Credits", align: "right", sortValue: (order) => order.total, cell: (order) => <Payment order={order} /> },
    { key: "status", header: "Status", sortValue: (order) => order.status, cell: (order) => <OrderStatusBadge status={order.status} /> },
    view !== "buyer" ? { key: "actions", header: "Actions", hiddenHeader: true, align: "right", cell: (order) => <OrderActions order={order} /> } : null,
  ];
  return all.filter((column) => column !== null);
}

interface OrderTableProps {
  /** Undefined while loading. */
  orders: OrderSummary[] | undefined;
  failed: { onRetry: () => void; retrying: boolean } | null;
  view: OrderListView;
  caption: string;
  empty: { title: string; description?: ReactNode };
}

export function OrderTable({ orders, failed, view, caption, empty }: OrderTableProps) {
  return (
    <DataTable
      rows={orders}
      failed={failed}
      columns={columns(view)}
      rowKey={(order) => order.id}
      caption={caption}
      what="orders"
      empty={empty}
      filterText={(order) => [order.id, order.title, order.buyer.name, order.seller?.name ?? "Tipmeter"].join(" ")}
    />
  );
}

/** The buyer's orders (member area) or a performer's sales (performer area). */
export function OrderList({ view }: { view: "buyer" | "seller" }) {
  const trpc = useTRPC();
  const orders = useQuery(view === "buyer" ? trpc.store.myOrders.queryOptions() : trpc.store.sellerOrders.queryOptions());
  return (
    <OrderTable
      orders={orders.data}
      failed={orders.isError ? { onRetry: () => void orders.refetch(), retrying: orders.isFetching } : null}
      view={view}
      caption={view === "buyer" ? "Your orders, newest first" : "Orders of your items, newest first"}
      empty={
        view === "buyer"
          ? {
              title: "No orders yet",
              description: (
                <>
                  Things you buy in the <Link href="/store" className="font-medium underline">store</Link> show up here.
                </>
              ),
            }
          : { title: "No orders yet", description: "When members buy your items, their orders show up here for you to ship." }
      }
    />
  );
}
