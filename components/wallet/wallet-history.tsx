"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { dateRange } from "@/components/wallet/date-range";
import {
  type HistoryFilterValues,
  HistoryFilters,
  NO_HISTORY_FILTERS,
  hasHistoryFilters,
} from "@/components/wallet/history-filters";
import { HistoryLines, type HistoryUnit } from "@/components/wallet/history-lines";
import { type CurrencyFormat, formatSignedWalletAmount, formatWalletAmount } from "@/server/domain/money";
import { QueryError } from "@/components/wallet/query-error";
import { CREDITS_WALLET } from "@/server/domain/wallets";

const PAGE_SIZE = 20;

function HistorySkeleton() {
  return (
    <div className="space-y-4 px-5 py-5 sm:px-6" role="status">
      <span className="sr-only">Loading history…</span>
      {Array.from({ length: 4 }, (_, index) => (
        <div key={index} className="flex items-center justify-between gap-4">
          <div className="flex-1 space-y-2">
            <Skeleton className="h-4 w-2/3" />
            <Skeleton className="h-3 w-1/3" />
          </div>
          <Skeleton className="h-5 w-16" />
        </div>
      ))}
    </div>
  );
}

/** The wallet a history is restricted to, as the wallet page knows it. */
export interface HistoryWallet extends CurrencyFormat {
  id: string;
  name: string;
}

/** Whole credits as the history always wrote them ("+1,000"); other currencies with their unit ("+$1.50"). */
function unitOf(wallet: HistoryWallet | undefined): HistoryUnit | undefined {
  if (!wallet || wallet.currencyKind === "CREDITS") return undefined;
  return {
    walletName: wallet.name,
    format: (amount) => formatWalletAmount(amount, wallet),
    formatSigned: (amount) => formatSignedWalletAmount(amount, wallet),
  };
}

/**
 * The member's history, one line per thing they did with its ledger entries as parts, filtered by kind and dates,
 * a page at a time; with `wallet`, only the lines of that wallet (the Credits wallet's with its holds).
 */
export function WalletHistory({ wallet }: { wallet?: HistoryWallet }) {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<HistoryFilterValues>(NO_HISTORY_FILTERS);
  const range = dateRange(filters.from, filters.to);
  const history = useInfiniteQuery(
    trpc.wallet.history.infiniteQueryOptions(
      {
        wallet: wallet?.id,
        kind: filters.kind || undefined,
        from: range.ok ? range.from : undefined,
        to: range.ok ? range.to : undefined,
        limit: PAGE_SIZE,
      },
      { enabled: range.ok, placeholderData: keepPreviousData, getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const lines = history.data?.pages.flatMap((page) => page.lines) ?? [];
  const filtered = hasHistoryFilters(filters);

  function body() {
    if (history.isError && !history.data) {
      return (
        <CardBody>
          <QueryError what="your history" onRetry={() => void history.refetch()} retrying={history.isFetching} />
        </CardBody>
      );
    }
    if (!history.data) return <HistorySkeleton />;
    if (lines.length === 0) {
      return (
        <CardBody>
          {filtered ? (
            <EmptyState
              className="border-none"
              title="Nothing matches these filters"
              description="Try another kind or a wider date range."
              action={<Button variant="secondary" onClick={() => setFilters(NO_HISTORY_FILTERS)}>Clear filters</Button>}
            />
          ) : (
            <EmptyState
              className="border-none"
              title="No activity yet"
              description={
                wallet && wallet.id !== CREDITS_WALLET
                  ? `Anything that moves your ${wallet.name} wallet shows up here.`
                  : "Credits you buy, tips you send and anything else that moves your credits shows up here."
              }
              action={wallet && wallet.id !== CREDITS_WALLET ? undefined : <ButtonLink href="/wallet/buy">Buy credits</ButtonLink>}
            />
          )}
        </CardBody>
      );
    }
    return (
      <div className={cn("transition-opacity", history.isPlaceholderData && "opacity-60")} aria-busy={history.isPlaceholderData}>
        <HistoryLines lines={lines} unit={unitOf(wallet)} />
        {history.hasNextPage ? (
          <div className="space-y-3 border-t border-line px-5 py-4 text-center sm:px-6">
            {history.isFetchNextPageError ? (
              <p role="alert" className="text-sm text-red-700">
                We couldn&apos;t load more history. Try again.
              </p>
            ) : null}
            <Button variant="secondary" onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage} loadingText="Loading…">
              Load more
            </Button>
          </div>
        ) : null}
      </div>
    );
  }

  return (
    <Card aria-labelledby="wallet-history-heading" className="overflow-hidden">
      <CardHeader
        id="wallet-history-heading"
        title="History"
        description={`${wallet ? `Your ${wallet.name} wallet: one` : "One"} line per thing you did (an order, a show, a tip...), newest first. Open a line to see every part it moved.`}
      />
      <div className="border-b border-line px-5 py-4 sm:px-6">
        <HistoryFilters values={filters} onChange={setFilters} error={range.ok ? null : range.error} />
      </div>
      {body()}
    </Card>
  );
}
