"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { ALL_CURRENCIES } from "@/components/ledger/ledger-currency";
import { type LedgerFilterValues, LedgerFilters, hasLedgerFilters } from "@/components/ledger/ledger-filters";
import { TransactionCard } from "@/components/ledger/transaction-card";
import { useTRPC } from "@/components/providers/trpc";
import { Button, ButtonLink, buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { dateRange } from "@/components/wallet/date-range";
import { QueryError } from "@/components/wallet/query-error";

const PAGE_SIZE = 20;

function ExplorerSkeleton() {
  return (
    <div className="space-y-4" role="status">
      <span className="sr-only">Loading transactions…</span>
      {Array.from({ length: 3 }, (_, index) => (
        <div key={index} className="space-y-3 rounded-card border border-line bg-surface p-5 shadow-card">
          <Skeleton className="h-5 w-2/3" />
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-4 w-5/6" />
        </div>
      ))}
    </div>
  );
}

/** The CSV export of what the explorer shows: the same filters, dates as the instants the admin's time zone gives them. */
function exportHref(filter: LedgerFilterValues, range: { from?: Date; to?: Date }): string {
  const params = new URLSearchParams();
  if (filter.userId) params.set("user", filter.userId);
  if (filter.kind) params.set("kind", filter.kind);
  if (filter.currency !== ALL_CURRENCIES) params.set("currency", filter.currency);
  if (range.from) params.set("from", range.from.toISOString());
  if (range.to) params.set("to", range.to.toISOString());
  return `/api/admin/ledger/export?${params.toString()}`;
}

/** Transactions newest first with their entries, a page at a time; dates are read in the admin's time zone. */
export function LedgerExplorer({ filter, currencies }: { filter: LedgerFilterValues; currencies: readonly string[] }) {
  const trpc = useTRPC();
  const range = dateRange(filter.from, filter.to);
  const currency = filter.currency === ALL_CURRENCIES ? undefined : filter.currency;
  const explorer = useInfiniteQuery(
    trpc.ledger.explore.infiniteQueryOptions(
      { userId: filter.userId, kind: filter.kind, currency, from: range.ok ? range.from : undefined, to: range.ok ? range.to : undefined, limit: PAGE_SIZE },
      { enabled: range.ok, getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const transactions = explorer.data?.pages.flatMap((page) => page.transactions) ?? [];

  function results() {
    if (!range.ok) return null;
    if (explorer.isError && !explorer.data) {
      return <QueryError what="the ledger" onRetry={() => void explorer.refetch()} retrying={explorer.isFetching} />;
    }
    if (!explorer.data) return <ExplorerSkeleton />;
    if (transactions.length === 0) {
      return hasLedgerFilters(filter) ? (
        <EmptyState
          title="No transactions match"
          description="Try another user, kind or date range."
          action={<ButtonLink href="/admin/ledger" variant="secondary">Clear filters</ButtonLink>}
        />
      ) : (
        <EmptyState title="The ledger is empty" description="Transactions appear here as credits move." />
      );
    }
    return (
      <>
        <ol className="space-y-4" aria-label="Transactions, newest first">
          {transactions.map((transaction) => (
            <li key={transaction.id.toString()}>
              <TransactionCard transaction={transaction} />
            </li>
          ))}
        </ol>
        {explorer.hasNextPage ? (
          <div className="space-y-3 text-center">
            {explorer.isFetchNextPageError ? (
              <p role="alert" className="text-sm text-red-700">
                We couldn&apos;t load more transactions. Try again.
              </p>
            ) : null}
            <Button variant="secondary" onClick={() => void explorer.fetchNextPage()} loading={explorer.isFetchingNextPage} loadingText="Loading…">
              Load more
            </Button>
          </div>
        ) : (
          <p className="text-center text-sm text-muted">That&apos;s every matching transaction.</p>
        )}
      </>
    );
  }

  return (
    <div className="space-y-6">
      <LedgerFilters values={filter} currencies={currencies} dateError={range.ok ? null : range.error} />
      {range.ok ? (
        <div className="flex justify-end">
          <a href={exportHref(filter, range)} download className={buttonClasses({ variant: "secondary", size: "sm" })}>
            Download CSV
          </a>
        </div>
      ) : null}
      {results()}
    </div>
  );
}
