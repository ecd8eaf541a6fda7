"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { TabRealtime } from "@/components/tabs/tab-realtime";
import { tabStatusLabel } from "@/components/tabs/tab-text";
import { TabsTable } from "@/components/tabs/tabs-table";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { QueryError } from "@/components/wallet/query-error";
import { TAB_STATUSES, type TabStatus } from "@/server/domain/tabs";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

const isStatus = (value: string): value is TabStatus => TAB_STATUSES.some((status) => status === value);

/** Every card tab (tabs.list), newest first, narrowed by status; admins finalise open ones and write off failed ones. */
export function AdminTabs({ realtime }: { realtime: { config: PublicPusherConfig; channel: string } }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<TabStatus | null>(null);
  const tabs = useQuery(trpc.tabs.list.queryOptions({ status }, { placeholderData: keepPreviousData }));
  const terms = useQuery(trpc.tabs.terms.queryOptions());

  function body() {
    if (tabs.isError) return <QueryError what="the card tabs" onRetry={() => void tabs.refetch()} retrying={tabs.isFetching} />;
    if (!tabs.data) return <Skeleton className="h-40 w-full" />;
    if (tabs.data.length === 0) return <EmptyState title="No card tabs" description={status ? `No tab is ${tabStatusLabel(status).toLowerCase()}.` : "No member has opened a card tab yet."} />;
    return (
      <Card>
        <TabsTable tabs={tabs.data} viewer="admin" bearer={terms.data?.writeOffBorneBy} label="Card tabs" />
      </Card>
    );
  }

  return (
    <div className="space-y-6">
      <TabRealtime config={realtime.config} channel={realtime.channel} />
      <div className="max-w-xs rounded-card border border-line bg-surface p-4 shadow-card">
        <Field label="Status" name="status">
          {(control) => (
            <Select {...control} value={status ?? ""} onChange={(event) => setStatus(isStatus(event.target.value) ? event.target.value : null)}>
              <option value="">Any status</option>
              {TAB_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {tabStatusLabel(value)}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      {body()}
    </div>
  );
}
