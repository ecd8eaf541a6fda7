"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { TabRealtime } from "@/components/tabs/tab-realtime";
import { tabStatusLabel, tabStatusTone } from "@/components/tabs/tab-text";
import { FinaliseButton, TabsTable, WriteOffButton } from "@/components/tabs/tabs-table";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { isTabLive } from "@/server/domain/tabs";
import type { PublicPusherConfig } from "@/server/integrations/pusher";
import type { TabView } from "@/server/services/tabs";

/** The room's sidebar is narrow: one line per live tab instead of the table. */
function LiveTabList({ tabs, bearer }: { tabs: TabView[]; bearer: "PLATFORM" | "PERFORMER" | undefined }) {
  return (
    <ul className="divide-y divide-line" aria-label="Card tabs with you">
      {tabs.map((tab) => (
        <li key={tab.id} className="space-y-2 py-3 first:pt-0 last:pb-0">
          <div className="flex items-center justify-between gap-2">
            <span className="font-semibold">{tab.memberName}</span>
            <Badge tone={tabStatusTone(tab.status)}>{tabStatusLabel(tab.status)}</Badge>
          </div>
          <p className="text-sm text-muted tabular-nums">
            Spent {formatCredits(tab.accrued)} of {formatCredits(tab.limitCredits)} credits · paid {formatMinor(tab.paidMinor, tab.currency)}
            {tab.due > 0n ? ` · due ${formatMinor(tab.due * tab.creditPriceMinor, tab.currency)}` : ""}
          </p>
          {tab.status === "OPEN" ? <FinaliseButton tab={tab} /> : null}
          {tab.status === "PAYMENT_DUE" ? <WriteOffButton tab={tab} viewer="performer" bearer={bearer} /> : null}
        </li>
      ))}
    </ul>
  );
}

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
    if (liveOnly) return <LiveTabList tabs={shown} bearer={terms.data?.writeOffBorneBy} />;
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
      <CardBody>{body()}</CardBody>
    </Card>
  );
}
