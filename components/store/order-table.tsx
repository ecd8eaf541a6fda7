"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { OrderActions } from "@/components/store/order-actions";
import { OrderStatusBadge } from "@/components/store/order-status-badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { QueryError } from "@/components/wallet/query-error";
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

export function OrderTable({ orders, view, caption }: { orders: OrderSummary[]; view: OrderListView; caption: string }) {
  return (
    <Card>
      <Table>
        <caption className="sr-only">{caption}</caption>
        <TableHead>
          <tr>
            <TableHeaderCell>Order</TableHeaderCell>
            <TableHeaderCell>Item</TableHeaderCell>
            {view !== "buyer" ? <TableHeaderCell>Buyer</TableHeaderCell> : null}
            {view !== "seller" ? <TableHeaderCell>Seller</TableHeaderCell> : null}
            <TableHeaderCell className="text-right">Credits</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            {view !== "buyer" ? (
              <TableHeaderCell className="text-right">
                <span className="sr-only">Actions</span>
              </TableHeaderCell>
            ) : null}
          </tr>
        </TableHead>
        <tbody>
          {orders.map((order) => (
            <TableRow key={order.id}>
              <TableCell className="whitespace-nowrap">
                <Link href={`/orders/${order.id}`} className="font-medium text-accent-700 hover:underline">
                  #{order.id.slice(0, 8)}
                </Link>
                <span className="block text-xs text-muted">{dateFormat.format(order.createdAt)}</span>
              </TableCell>
              <TableCell>
                {order.title}
                {order.quantity > 1 ? <span className="text-muted"> × {order.quantity}</span> : null}
              </TableCell>
              {view !== "buyer" ? <TableCell>{order.buyer.name}</TableCell> : null}
              {view !== "seller" ? <TableCell>{order.seller ? order.seller.name : "Tipmeter"}</TableCell> : null}
              <TableCell className="text-right">
                <Payment order={order} />
              </TableCell>
              <TableCell>
                <OrderStatusBadge status={order.status} />
              </TableCell>
              {view !== "buyer" ? (
                <TableCell className="text-right">
                  <OrderActions order={order} />
                </TableCell>
              ) : null}
            </TableRow>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}

function TableSkeleton() {
  return (
    <div className="space-y-3 rounded-card border border-line bg-surface p-6 shadow-card" role="status" aria-label="Loading orders">
      {Array.from({ length: 4 }, (_, index) => (
        <Skeleton key={index} className="h-8 w-full" />
      ))}
    </div>
  );
}

/** The buyer's orders (member area) or a performer's sales (performer area). */
export function OrderList({ view }: { view: "buyer" | "seller" }) {
  const trpc = useTRPC();
  const orders = useQuery(view === "buyer" ? trpc.store.myOrders.queryOptions() : trpc.store.sellerOrders.queryOptions());
  if (orders.isError) return <QueryError what="the orders" onRetry={() => void orders.refetch()} retrying={orders.isFetching} />;
  if (!orders.data) return <TableSkeleton />;
  if (orders.data.length === 0) {
    return view === "buyer" ? (
      <EmptyState
        title="No orders yet"
        description={
          <>
            Things you buy in the <Link href="/store" className="font-medium underline">store</Link> show up here.
          </>
        }
      />
    ) : (
      <EmptyState title="No orders yet" description="When members buy your items, their orders show up here for you to ship." />
    );
  }
  return <OrderTable orders={orders.data} view={view} caption={view === "buyer" ? "Your orders, newest first" : "Orders of your items, newest first"} />;
}

export { TableSkeleton as OrderTableSkeleton };
