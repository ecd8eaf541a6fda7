"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { TabRealtime } from "@/components/tabs/tab-realtime";
import { TabsTable } from "@/components/tabs/tabs-table";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { QueryError } from "@/components/wallet/query-error";
import { isTabLive } from "@/server/domain/tabs";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

/**
 * The card tabs members opened with the performer (tabs.performerTabs), live first, with Finalise and "Hang up
 * anyway"; `liveOnly` for the small panel in the performer's room. Live through tab.updated.
 */
export function PerformerTabs({ realtime, liveOnly = false }: { realtime: { config: PublicPusherConfig; channel: string }; liveOnly?: boolean }) {
  const trpc = useTRPC();
  const tabs = useQuery(trpc.tabs.performerTabs.queryOptions());
  const terms = useQuery(trpc.tabs.terms.queryOptions());
  const shown = (tabs.data ?? []).filter((tab) => !liveOnly || (isTabLive(tab.status) && tab.status !== "OPENING"));

  function body() {
    if (tabs.isError) return <QueryError what="your card tabs" onRetry={() => void tabs.refetch()} retrying={tabs.isFetching} />;
    if (!tabs.data) return <Skeleton className="h-24 w-full" />;
    if (shown.length === 0) {
      return liveOnly ? (
        <p className="text-sm text-muted">No member has a card tab open with you.</p>
      ) : (
        <EmptyState title="No card tabs yet" description="When members open a card tab with you, it appears here with what it accrued and what was charged." />
      );
    }
    return <TabsTable tabs={shown} viewer="performer" bearer={terms.data?.writeOffBorneBy} label="Card tabs with you" />;
  }

  return (
    <Card aria-labelledby={liveOnly ? "room-tabs-heading" : "performer-tabs-heading"}>
      <TabRealtime config={realtime.config} channel={realtime.channel} />
      <CardHeader
        id={liveOnly ? "room-tabs-heading" : "performer-tabs-heading"}
        title={liveOnly ? "Open card tabs" : "Card tabs"}
        description={liveOnly ? "Members paying by card tab in your room." : "Finalise charges the card now; a failed card can be written off."}
        action={
          liveOnly ? (
            <Link href="/performer/tabs" className="text-sm font-semibold text-accent-700 hover:underline">
              All tabs →
            </Link>
          ) : null
        }
      />
      <CardBody className={shown.length > 0 ? "px-0 py-0 sm:px-0" : undefined}>{body()}</CardBody>
    </Card>
  );
}
