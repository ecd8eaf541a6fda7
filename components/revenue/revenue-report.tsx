"use client";

import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { useWalletRealtime } from "@/components/realtime/use-wallet-realtime";
import { SALE_KIND_LABELS, SALE_KINDS } from "@/components/sales/sale-kind";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits } from "@/server/domain/money";
import {
  REVENUE_PERIODS,
  REVENUE_PERIOD_LABELS,
  type RevenueBucket,
  type RevenuePeriod,
  type RevenueStatus,
  bucketNetAfter,
  formatMoneyTotals,
  processorFeeText,
  revenueStatusLabel,
  saleOutcome,
} from "@/server/domain/revenue";
import type { SaleKind } from "@/server/generated/prisma/enums";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const dayFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const monthFormat = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });

const PAGE_SIZE = 25;

const STATUS_TONES: Record<Exclude<RevenueStatus, null>, "danger" | "warning"> = {
  refunded: "danger",
  "partly refunded": "warning",
  disputed: "warning",
};

const LIVE_BADGE = {
  live: <Badge tone="success">Live</Badge>,
  connecting: <Badge tone="warning">Connecting…</Badge>,
  offline: <Badge>Offline</Badge>,
} as const;

function Stat({ label, value, hint }: { label: string; value: string | undefined; hint: string }) {
  return (
    <div className="rounded-card border border-line bg-surface p-4 shadow-card">
      <dt className="text-sm text-muted">{label}</dt>
      <dd className="mt-1 text-2xl font-bold tracking-tight tabular-nums">{value ?? <Skeleton className="h-8 w-20" />}</dd>
      <dd className="mt-1 text-xs text-muted">{hint}</dd>
    </div>
  );
}

/**
 * Refetches the report whenever the performer's earnings change (a sale, a refund, a maturity) or a card
 * payment's processor fee is read, as their channel tells.
 */
function LiveRevenue({ config, channel }: { config: PublicPusherConfig; channel: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refetch = () => void queryClient.invalidateQueries(trpc.revenue.pathFilter());
  const status = useWalletRealtime({ config, channel, on: { "wallet.updated": refetch, "tip.received": refetch, "revenue.updated": refetch } });
  return <span className="flex items-center gap-2 text-sm text-muted">Live updates {LIVE_BADGE[status]}</span>;
}

function BucketTable({ label, heading, buckets, format }: { label: string; heading: string; buckets: RevenueBucket[]; format: (start: Date) => string }) {
  return (
    <Table aria-label={label}>
      <TableHead>
        <tr>
          <TableHeaderCell>{heading}</TableHeaderCell>
          <TableHeaderCell className="text-right">Sales</TableHeaderCell>
          <TableHeaderCell className="text-right">Gross</TableHeaderCell>
          <TableHeaderCell className="text-right">Platform fee</TableHeaderCell>
          <TableHeaderCell className="text-right">Net</TableHeaderCell>
          <TableHeaderCell className="text-right">Refunds</TableHeaderCell>
          <TableHeaderCell className="text-right">Net after refunds</TableHeaderCell>
          <TableHeaderCell className="text-right">Processor fees</TableHeaderCell>
        </tr>
      </TableHead>
      <tbody>
        {buckets.map((bucket) => (
          <TableRow key={bucket.start.toISOString()}>
            <TableCell className="font-medium whitespace-nowrap">{format(bucket.start)}</TableCell>
            <TableCell className="text-right tabular-nums">{bucket.sales}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCredits(bucket.gross)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCredits(bucket.platformFee)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCredits(bucket.net)}</TableCell>
            <TableCell className={cn("text-right tabular-nums", bucket.takenBack > 0n && "text-red-600")}>
              {bucket.takenBack > 0n ? `−${formatCredits(bucket.takenBack)}` : "0"}
            </TableCell>
            <TableCell className="text-right font-semibold tabular-nums">{formatCredits(bucketNetAfter(bucket))}</TableCell>
            <TableCell className="text-right tabular-nums">{formatMoneyTotals(bucket.processorFees)}</TableCell>
          </TableRow>
        ))}
      </tbody>
    </Table>
  );
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function exportHref(performerId: string | undefined, period: RevenuePeriod, saleKind: SaleKind | undefined): string {
  const params = new URLSearchParams({ period });
  if (saleKind) params.set("saleKind", saleKind);
  if (performerId) params.set("performerId", performerId);
  return `/api/revenue/export?${params.toString()}`;
}

/**
 * A performer's business revenue: totals for a period, by UTC day and month, and every sale with its gross,
 * platform fee, processor fee and net, a page at a time, with the CSV of the same. The performer's own page
 * passes `live` and follows their sales as they land; an admin's names the performer and refetches on focus.
 */
export function RevenueReport({
  performerId,
  live,
  possessive,
}: {
  /** The performer an admin is looking at; omitted on the performer's own page. */
  performerId?: string;
  live?: { config: PublicPusherConfig; channel: string };
  /** Whose share it is, mid-sentence: "your", or "Luna Vale's" on an admin's page. */
  possessive: string;
}) {
  const trpc = useTRPC();
  const [period, setPeriod] = useState<RevenuePeriod>("30d");
  const [saleKind, setSaleKind] = useState<SaleKind | undefined>(undefined);
  const filter = { performerId, period, saleKind };
  const summary = useQuery({ ...trpc.revenue.summary.queryOptions(filter), placeholderData: keepPreviousData });
  const sales = useInfiniteQuery(
    trpc.revenue.sales.infiniteQueryOptions({ ...filter, limit: PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  const lines = sales.data?.pages.flatMap((page) => page.sales) ?? [];
  const totals = summary.data?.totals;
  const periodLabel = REVENUE_PERIOD_LABELS[period].toLowerCase();

  function salesTable() {
    if (sales.isError && !sales.data) {
      return (
        <div className="px-5 py-5 sm:px-6">
          <QueryError what="the sales" onRetry={() => void sales.refetch()} retrying={sales.isFetching} />
        </div>
      );
    }
    if (!sales.data) return <Skeleton className="m-5 h-40" />;
    if (lines.length === 0) {
      return <EmptyState className="border-none" title="No sales in this period" description="Each sale appears here the moment it is made." />;
    }
    return (
      <>
        <Table aria-label="Sales" className="min-w-[56rem]">
          <TableHead>
            <tr>
              <TableHeaderCell>Date (UTC)</TableHeaderCell>
              <TableHeaderCell>Sale</TableHeaderCell>
              <TableHeaderCell>Buyer</TableHeaderCell>
              <TableHeaderCell className="text-right">Gross</TableHeaderCell>
              <TableHeaderCell className="text-right">Platform fee</TableHeaderCell>
              <TableHeaderCell className="text-right">Net</TableHeaderCell>
              <TableHeaderCell className="text-right">Processor fee</TableHeaderCell>
            </tr>
          </TableHead>
          <tbody aria-live="polite">
            {lines.map((sale) => {
              const outcome = saleOutcome(sale);
              return (
                <TableRow key={sale.key}>
                  <TableCell className="whitespace-nowrap text-muted">{timeFormat.format(sale.at)}</TableCell>
                  <TableCell>
                    <p className="font-medium">{sale.description}</p>
                    <p className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-muted">
                      <Badge>{SALE_KIND_LABELS[sale.saleKind]}</Badge>
                      {sale.charges > 1 ? <span>{sale.charges} charges</span> : null}
                      {outcome.status ? <Badge tone={STATUS_TONES[outcome.status]}>{revenueStatusLabel(outcome.status)}</Badge> : null}
                    </p>
                  </TableCell>
                  <TableCell>{sale.buyer}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatCredits(sale.gross)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatCredits(sale.platformFee)}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    <span className={cn("font-semibold", outcome.status && "text-muted line-through")}>{formatCredits(sale.net)}</span>
                    {outcome.status ? <span className="block font-semibold">{formatCredits(outcome.netAfter)} kept</span> : null}
                  </TableCell>
                  <TableCell className={cn("text-right tabular-nums", sale.processorFee.state !== "read" && "text-muted")}>{processorFeeText(sale.processorFee)}</TableCell>
                </TableRow>
              );
            })}
          </tbody>
        </Table>
        {sales.hasNextPage ? (
          <div className="flex justify-center border-t border-line py-4">
            <Button variant="secondary" onClick={() => void sales.fetchNextPage()} loading={sales.isFetchingNextPage} loadingText="Loading…">
              Show older sales
            </Button>
          </div>
        ) : null}
      </>
    );
  }

  function buckets(kind: "day" | "month") {
    if (summary.isError) {
      return (
        <div className="px-5 py-5 sm:px-6">
          <QueryError what="the totals" onRetry={() => void summary.refetch()} retrying={summary.isFetching} />
        </div>
      );
    }
    if (!summary.data) return <Skeleton className="m-5 h-24" />;
    const rows = kind === "day" ? summary.data.days : summary.data.months;
    if (rows.length === 0) return <p className="px-5 py-5 text-sm text-muted sm:px-6">Nothing in this period.</p>;
    return kind === "day" ? (
      <BucketTable label="Totals by day" heading="Day (UTC)" buckets={rows} format={(start) => dayFormat.format(start)} />
    ) : (
      <BucketTable label="Totals by month" heading="Month (UTC)" buckets={rows} format={(start) => monthFormat.format(start)} />
    );
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="revenue-period" className="mb-1.5 block text-sm font-medium">
              Period
            </label>
            <Select id="revenue-period" value={period} onChange={(event) => setPeriod(event.target.value as RevenuePeriod)}>
              {REVENUE_PERIODS.map((option) => (
                <option key={option} value={option}>
                  {REVENUE_PERIOD_LABELS[option]}
                </option>
              ))}
            </Select>
          </div>
          <div>
            <label htmlFor="revenue-kind" className="mb-1.5 block text-sm font-medium">
              Kind of sale
            </label>
            <Select id="revenue-kind" value={saleKind ?? ""} onChange={(event) => setSaleKind((event.target.value || undefined) as SaleKind | undefined)}>
              <option value="">All kinds</option>
              {SALE_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {SALE_KIND_LABELS[kind]}
                </option>
              ))}
            </Select>
          </div>
          <a href={exportHref(performerId, period, saleKind)} download className={buttonClasses({ variant: "secondary" })}>
            Download CSV
          </a>
        </div>
        {live ? <LiveRevenue config={live.config} channel={live.channel} /> : null}
      </div>

      <section aria-labelledby="revenue-totals-heading">
        <h2 id="revenue-totals-heading" className="sr-only">
          Totals for {periodLabel}
        </h2>
        <dl className="grid grid-cols-2 gap-4 lg:grid-cols-3 xl:grid-cols-6">
          <Stat label="Sales" value={totals ? String(totals.sales) : undefined} hint={REVENUE_PERIOD_LABELS[period]} />
          <Stat label="Gross" value={totals ? formatCredits(totals.gross) : undefined} hint="Credits buyers paid" />
          <Stat label="Platform fee" value={totals ? formatCredits(totals.platformFee) : undefined} hint="Tipmeter's commission, in credits" />
          <Stat label="Net" value={totals ? formatCredits(totals.net) : undefined} hint={`${capitalised(possessive)} share, in credits`} />
          <Stat label="Net after refunds" value={totals ? formatCredits(totals.netAfter) : undefined} hint={totals ? `Less ${formatCredits(totals.takenBack)} refunded or disputed` : "Refunds and disputes taken back"} />
          <Stat label="Processor fees" value={totals ? formatMoneyTotals(totals.processorFees) : undefined} hint="Card fees, paid by Tipmeter" />
        </dl>
        <p className="mt-3 max-w-4xl text-sm text-muted">
          Amounts are in credits: gross is what buyers paid, the platform fee is Tipmeter&apos;s commission, and net is{" "}
          {possessive} share, the same figure as on the Earnings page. Processor fees are what the card
          processor kept from card payments (store orders paid by card, for example), in the card&apos;s currency:{" "}
          <strong className="font-medium text-fg">Tipmeter pays them out of its platform fee</strong>, so they are never taken from{" "}
          {possessive} net. Days and months are UTC; a refund counts on the day it was made.
        </p>
      </section>

      <Card aria-labelledby="revenue-sales-heading">
        <CardHeader id="revenue-sales-heading" title="Sales" description={`Every sale, newest first: ${periodLabel}. A show's charges are one sale.`} />
        <CardBody className="px-0 py-0 sm:px-0">{salesTable()}</CardBody>
      </Card>

      <div className="grid gap-6">
        <Card aria-labelledby="revenue-months-heading">
          <CardHeader id="revenue-months-heading" title="Totals by month" description="UTC months with sales or refunds in the period." />
          <CardBody className="px-0 py-0 sm:px-0">{buckets("month")}</CardBody>
        </Card>
        <Card aria-labelledby="revenue-days-heading">
          <CardHeader id="revenue-days-heading" title="Totals by day" description="UTC days with sales or refunds in the period, newest first." />
          <CardBody className="px-0 py-0 sm:px-0">{buckets("day")}</CardBody>
        </Card>
      </div>
    </div>
  );
}
