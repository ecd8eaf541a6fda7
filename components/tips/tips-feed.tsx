"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { useWalletRealtime } from "@/components/realtime/use-wallet-realtime";
import { tipFromPayload } from "@/components/tips/tip-received";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits } from "@/server/domain/money";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

const STATUS_BADGE = {
  live: <Badge tone="success">Live</Badge>,
  connecting: <Badge tone="warning">Connecting…</Badge>,
  offline: <Badge>Offline</Badge>,
} as const;

/** The performer's latest tips; each arrives live on their private channel, with a toast. */
export function TipsFeed({ config, channel }: { config: PublicPusherConfig; channel: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const tips = useQuery(trpc.tips.received.queryOptions());
  // Every sale and maturation changes what the maturing-earnings card next to the feed shows.
  const refetchEarnings = () => void queryClient.invalidateQueries(trpc.earnings.pathFilter());
  const status = useWalletRealtime({
    config,
    channel,
    on: {
      "wallet.updated": refetchEarnings,
      "tip.received": (payload) => {
        refetchEarnings();
        const tip = tipFromPayload(payload);
        toast.success(
          `${tip.fromDisplayName} tipped ${formatCredits(tip.amount)} credits`,
          `${formatCredits(tip.net)} credits to your pending earnings${tip.message ? `: “${tip.message}”` : "."}`,
        );
        void queryClient.invalidateQueries(trpc.tips.received.pathFilter());
      },
    },
  });

  function list() {
    if (tips.isError) return <QueryError what="your tips" onRetry={() => void tips.refetch()} retrying={tips.isFetching} />;
    if (!tips.data) {
      return (
        <div className="space-y-3" role="status">
          <span className="sr-only">Loading tips…</span>
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-2/3" />
        </div>
      );
    }
    if (tips.data.length === 0) {
      return <EmptyState className="border-none" title="No tips yet" description="Tips from members appear here the moment they arrive." />;
    }
    return (
      <ul className="divide-y divide-line" aria-label="Latest tips" aria-live="polite">
        {tips.data.map((tip) => (
          <li key={tip.transactionId.toString()} className="flex items-start justify-between gap-4 py-3 text-sm">
            <div className="min-w-0">
              <p className="font-medium">{tip.fromDisplayName}</p>
              {tip.message ? <p className="break-words text-muted">“{tip.message}”</p> : null}
              <p className="text-xs text-muted">{timeFormat.format(tip.at)}</p>
            </div>
            <div className="shrink-0 text-right tabular-nums">
              <p className="font-semibold">+{formatCredits(tip.net)}</p>
              <p className="text-xs text-muted">of {formatCredits(tip.amount)}</p>
            </div>
          </li>
        ))}
      </ul>
    );
  }

  return (
    <Card aria-labelledby="tips-heading">
      <CardHeader id="tips-heading" title="Tips" description="Your share of each tip, as it arrives." action={STATUS_BADGE[status]} />
      <CardBody>{list()}</CardBody>
    </Card>
  );
}
