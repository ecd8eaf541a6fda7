"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { BarChart } from "@/components/earnings/bar-chart";
import { PERIOD_LABELS, longBucketLabel, shortBucketLabel } from "@/components/earnings/bucket-labels";
import { useTRPC } from "@/components/providers/trpc";
import { useWalletRealtime } from "@/components/realtime/use-wallet-realtime";
import { SALE_KIND_LABELS } from "@/components/sales/sale-kind";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { KindBadge } from "@/components/wallet/transaction-kind";
import { QueryError } from "@/components/wallet/query-error";
import { EARNINGS_GRANULARITIES, type EarningsGranularity } from "@/server/domain/earnings-report";
import { formatCredits, formatSignedCredits } from "@/server/domain/money";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const dayFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

const STATUS_BADGE = {
  live: <Badge tone="success">Live</Badge>,
  connecting: <Badge tone="warning">Connecting…</Badge>,
  offline: <Badge>Offline</Badge>,
} as const;

function Loading({ what }: { what: string }) {
  return (
    <div className="space-y-3" role="status">
      <span className="sr-only">Loading {what}…</span>
      <Skeleton className="h-5 w-full" />
      <Skeleton className="h-5 w-2/3" />
    </div>
  );
}

function Stat({ label, value, hint, tone }: { label: string; value: string | undefined; hint?: string; tone?: "negative" }) {
  return (
    <div className="rounded-card border border-line bg-surface p-4 shadow-card">
      <dt className="text-sm text-muted">{label}</dt>
      <dd className={cn("mt-1 text-2xl font-bold tracking-tight tabular-nums", tone === "negative" && "text-red-600")}>
        {value ?? <Skeleton className="h-8 w-20" />}
      </dd>
      {hint ? <dd className="mt-1 text-xs text-muted">{hint}</dd> : null}
    </div>
  );
}

function PeriodSwitch({ value, onChange }: { value: EarningsGranularity; onChange: (granularity: EarningsGranularity) => void }) {
  return (
    <div role="group" aria-label="Group earnings by" className="inline-flex rounded-control border border-line-strong bg-surface p-0.5 shadow-sm">
      {EARNINGS_GRANULARITIES.map((granularity) => (
        <Button
          key={granularity}
          size="sm"
          variant={value === granularity ? "primary" : "ghost"}
          aria-pressed={value === granularity}
          onClick={() => onChange(granularity)}
        >
          {PERIOD_LABELS[granularity].option}
        </Button>
      ))}
    </div>
  );
}

/**
 * The performer's earnings: totals, a chart by day, week or month, earnings by kind of sale, top supporters and
 * the latest sales. Amounts are the performer's net share; every sale and `wallet.updated` event on their private
 * channel refetches them, so the page follows sales as they happen.
 */
export function EarningsDashboard({ config, channel }: { config: PublicPusherConfig; channel: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [granularity, setGranularity] = useState<EarningsGranularity>("day");
  const overview = useQuery({ ...trpc.earnings.overview.queryOptions({ granularity }), placeholderData: keepPreviousData });
  const recent = useQuery(trpc.earnings.recent.queryOptions({}));
  const balances = useQuery(trpc.wallet.balances.queryOptions());
  const refetchEarnings = () => void queryClient.invalidateQueries(trpc.earnings.pathFilter());
  const status = useWalletRealtime({
    config,
    channel,
    on: { "wallet.updated": refetchEarnings, "tip.received": refetchEarnings },
  });

  const data = overview.data;
  const range = PERIOD_LABELS[granularity].range;

  function chart() {
    if (overview.isError) return <QueryError what="your earnings" onRetry={() => void overview.refetch()} retrying={overview.isFetching} />;
    if (!data) return <Skeleton className="h-52 w-full" />;
    const bars = data.series.map((bucket) => ({
      key: bucket.start.toISOString(),
      shortLabel: shortBucketLabel(bucket.start, data.granularity),
      longLabel: longBucketLabel(bucket.start, data.granularity),
      value: bucket.amount,
    }));
    const best = data.series.reduce((top, bucket) => (bucket.amount > top.amount ? bucket : top), { start: data.from, amount: 0n });
    const summary =
      best.amount > 0n
        ? `${formatCredits(data.totals.net)} credits net over ${range}; the best ${data.granularity} was ${longBucketLabel(best.start, data.granularity)} with ${formatCredits(best.amount)} credits.`
        : `No earnings over ${range}.`;
    return <BarChart title={`Net earnings by ${data.granularity}, ${range}`} summary={summary} bars={bars} />;
  }

  function byKind() {
    if (!data) return <Loading what="earnings by kind" />;
    if (data.byKind.length === 0) return <p className="text-sm text-muted">No sales over {range}.</p>;
    const largest = data.byKind.reduce((max, kind) => (kind.net > max ? kind.net : max), 1n);
    return (
      <ul className="space-y-3" aria-label="Net earnings by kind of sale">
        {data.byKind.map((kind) => (
          <li key={kind.saleKind} className="space-y-1 text-sm">
            <div className="flex justify-between gap-3">
              <span className="font-medium">{SALE_KIND_LABELS[kind.saleKind]}</span>
              <span className="tabular-nums">
                {formatCredits(kind.net)} credits <span className="text-muted">· {kind.sales === 1 ? "1 sale" : `${kind.sales} sales`}</span>
              </span>
            </div>
            <div aria-hidden="true" className="h-2 rounded-full bg-subtle">
              <div
                className="h-2 rounded-full bg-accent-500"
                style={{ width: `${kind.net > 0n ? Math.max(2, Number((kind.net * 100n) / largest)) : 0}%` }}
              />
            </div>
          </li>
        ))}
      </ul>
    );
  }

  function supporters() {
    if (!data) return <Loading what="top supporters" />;
    if (data.topSupporters.length === 0) return <p className="text-sm text-muted">No supporters over {range} yet.</p>;
    return (
      <ol className="divide-y divide-line" aria-label="Top supporters">
        {data.topSupporters.map((supporter, index) => (
          <li key={supporter.userId} className="flex items-center justify-between gap-3 py-2.5 text-sm">
            <span className="flex min-w-0 items-center gap-3">
              <span aria-hidden="true" className="grid size-7 shrink-0 place-items-center rounded-full bg-accent-50 text-xs font-semibold text-accent-700">
                {index + 1}
              </span>
              <span className="truncate font-medium">{supporter.displayName}</span>
            </span>
            <span className="shrink-0 text-right tabular-nums">
              {formatCredits(supporter.net)} credits
              <span className="block text-xs text-muted">{supporter.sales === 1 ? "1 sale" : `${supporter.sales} sales`}</span>
            </span>
          </li>
        ))}
      </ol>
    );
  }

  function recentList() {
    if (recent.isError) return <QueryError what="your recent earnings" onRetry={() => void recent.refetch()} retrying={recent.isFetching} />;
    if (!recent.data) return <Loading what="recent earnings" />;
    if (recent.data.length === 0) {
      return <EmptyState className="border-none" title="No earnings yet" description="Each sale appears here the moment it is made." />;
    }
    return (
      <ul className="divide-y divide-line" aria-label="Recent earnings" aria-live="polite">
        {recent.data.map((line) => (
          <li key={line.entryId.toString()} className="flex items-start justify-between gap-4 py-3 text-sm">
            <div className="min-w-0 space-y-0.5">
              <p className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{line.fromDisplayName}</span>
                <KindBadge kind={line.kind} />
              </p>
              {line.message ? <p className="break-words text-muted">“{line.message}”</p> : null}
              <p className="text-xs text-muted">{timeFormat.format(line.at)}</p>
            </div>
            <div className="shrink-0 text-right tabular-nums">
              <p className={cn("font-semibold", line.amount < 0n && "text-red-600")}>{formatSignedCredits(line.amount)}</p>
              {line.saleAmount !== null ? <p className="text-xs text-muted">of {formatCredits(line.saleAmount)}</p> : null}
              <p className="text-xs text-muted">
                {line.kind === "DISPUTE_HOLD"
                  ? "Taken back: the buyer disputed their card payment"
                  : line.kind === "DISPUTE_RELEASE"
                    ? "Given back: the dispute was won"
                    : line.maturedAt
                      ? `Available since ${dayFormat.format(line.maturedAt)}`
                      : line.maturesAt
                        ? `Pending until ${dayFormat.format(line.maturesAt)}`
                        : line.amount < 0n
                          ? `${SALE_KIND_LABELS[line.saleKind]} refunded`
                          : null}
              </p>
            </div>
          </li>
        ))}
      </ul>
    );
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <PeriodSwitch value={granularity} onChange={setGranularity} />
        <span className="flex items-center gap-2 text-sm text-muted">
          Live updates {STATUS_BADGE[status]}
        </span>
      </div>
      <section aria-labelledby="totals-heading">
        <h2 id="totals-heading" className="sr-only">
          Totals
        </h2>
        <dl className="grid grid-cols-2 gap-4 lg:grid-cols-5">
          <Stat label="Net earnings" value={data ? formatCredits(data.totals.net) : undefined} hint={`Over ${range}`} tone={data && data.totals.net < 0n ? "negative" : undefined} />
          <Stat label="Sales" value={data ? String(data.totals.sales) : undefined} hint={`Over ${range}`} />
          <Stat label="Refunded" value={data ? formatCredits(data.totals.refunded) : undefined} hint="Your share taken back" />
          <Stat label="Pending" value={balances.data ? formatCredits(balances.data.pending) : undefined} hint="Waiting for its hold to end" />
          <Stat label="Earnings wallet" value={balances.data ? formatCredits(balances.data.earnings) : undefined} hint="Ready to withdraw" />
        </dl>
        <p className="mt-3 text-sm text-muted">
          Matured earnings sit in your Earnings wallet, ready to withdraw. Credits you buy or receive from others sit in
          your Credits wallet
          {balances.data ? ` (${formatCredits(balances.data.available)} credits now)` : ""}: spend them on the site; they
          can&apos;t be withdrawn.
        </p>
      </section>
      <Card aria-labelledby="chart-heading">
        <CardHeader
          id="chart-heading"
          title={`Earnings by ${granularity}`}
          description={`Your net share of every sale, ${range} (UTC). Refunds count on the day they were made.`}
        />
        <CardBody>{chart()}</CardBody>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card aria-labelledby="kinds-heading">
          <CardHeader id="kinds-heading" title="By kind of sale" description={`Net, over ${range}.`} />
          <CardBody>{byKind()}</CardBody>
        </Card>
        <Card aria-labelledby="supporters-heading">
          <CardHeader id="supporters-heading" title="Top supporters" description={`Who earned you the most, over ${range}.`} />
          <CardBody>{supporters()}</CardBody>
        </Card>
      </div>
      <Card aria-labelledby="recent-heading">
        <CardHeader id="recent-heading" title="Recent earnings" description="Your share of each sale as it happens, and when it becomes available." />
        <CardBody>{recentList()}</CardBody>
      </Card>
    </div>
  );
}
