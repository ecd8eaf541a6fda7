"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { ORDER_STATUSES, orderStatusLabel } from "@/components/store/order-status-badge";
import { OrderTable } from "@/components/store/order-table";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import type { StoreOrderStatus } from "@/server/generated/prisma/enums";

interface Filter {
  status?: StoreOrderStatus;
  seller?: "site" | "performers";
  kind?: "PHYSICAL" | "DIGITAL";
  search?: string;
}

const isStatus = (value: string): value is StoreOrderStatus => ORDER_STATUSES.some((status) => status === value);

/** Every order in the store, newest first, narrowed by status, seller, kind or a search. */
export function AdminOrders() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<Filter>({});
  const [search, setSearch] = useState("");
  const orders = useQuery(trpc.store.allOrders.queryOptions(filter, { placeholderData: keepPreviousData }));

  return (
    <div className="space-y-6">
      <form
        className="grid gap-3 rounded-card border border-line bg-surface p-4 shadow-card sm:grid-cols-2 lg:grid-cols-[repeat(3,minmax(0,1fr))_minmax(0,1.5fr)_auto] lg:items-end"
        aria-label="Filter orders"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter((current) => ({ ...current, search: search.trim() || undefined }));
        }}
      >
        <Field label="Status" name="status">
          {(control) => (
            <Select
              {...control}
              value={filter.status ?? ""}
              onChange={(event) => setFilter((current) => ({ ...current, status: isStatus(event.target.value) ? event.target.value : undefined }))}
            >
              <option value="">Any status</option>
              {ORDER_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {orderStatusLabel(status)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Seller" name="seller">
          {(control) => (
            <Select
              {...control}
              value={filter.seller ?? ""}
              onChange={(event) => {
                const value = event.target.value;
                setFilter((current) => ({ ...current, seller: value === "site" || value === "performers" ? value : undefined }));
              }}
            >
              <option value="">Site and performers</option>
              <option value="site">Tipmeter (site items)</option>
              <option value="performers">Performers</option>
            </Select>
          )}
        </Field>
        <Field label="Kind" name="kind">
          {(control) => (
            <Select
              {...control}
              value={filter.kind ?? ""}
              onChange={(event) => {
                const value = event.target.value;
                setFilter((current) => ({ ...current, kind: value === "PHYSICAL" || value === "DIGITAL" ? value : undefined }));
              }}
            >
              <option value="">Physical and digital</option>
              <option value="PHYSICAL">Physical</option>
              <option value="DIGITAL">Digital</option>
            </Select>
          )}
        </Field>
        <Field label="Search" name="search">
          {(control) => (
            <Input {...control} type="search" placeholder="Username, item or order id" value={search} onChange={(event) => setSearch(event.target.value)} />
          )}
        </Field>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      <OrderTable
        orders={orders.data}
        failed={orders.isError ? { onRetry: () => void orders.refetch(), retrying: orders.isFetching } : null}
        view="admin"
        caption="Store orders, newest first"
        empty={{ title: "No orders match", description: "Try another status, seller or search." }}
      />
    </div>
  );
}
