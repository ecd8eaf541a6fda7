"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Skeleton } from "@/components/ui/skeleton";
import { QueryError } from "@/components/wallet/query-error";
import type { InvariantResult } from "@/server/ledger/invariants";

const timeFormat = new Intl.DateTimeFormat("en", { timeStyle: "medium" });

function CheckRow({ check }: { check: InvariantResult }) {
  return (
    <li className="flex items-start gap-4 px-5 py-4">
      <span
        aria-hidden="true"
        className={cn(
          "mt-0.5 grid size-7 shrink-0 place-items-center rounded-full text-sm font-bold",
          check.passed ? "bg-emerald-50 text-emerald-700" : "bg-red-50 text-red-700",
        )}
      >
        {check.passed ? "✓" : "!"}
      </span>
      <div className="min-w-0 flex-1 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <h3 className="font-semibold">{check.description}</h3>
          {check.passed ? <Badge tone="success">Pass</Badge> : <Badge tone="danger">Fail: {check.violations} violations</Badge>}
        </div>
        <p className="font-mono text-xs text-muted">{check.name}</p>
        <p className="text-sm break-words text-muted">{check.detail}</p>
      </div>
    </li>
  );
}

function Summary({ checks }: { checks: InvariantResult[] }) {
  const failing = checks.filter((check) => !check.passed).length;
  return (
    <div
      role="status"
      className={cn(
        "rounded-card border px-5 py-4",
        failing === 0 ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-900",
      )}
    >
      <p className="font-semibold">
        {failing === 0 ? `The books balance: all ${checks.length} checks pass.` : `${failing} of ${checks.length} checks fail.`}
      </p>
      <p className="mt-0.5 text-sm">
        {failing === 0
          ? "No credit was created or lost, and every balance matches its entries."
          : "Investigate before moving more money: each failing check below says what it found."}
      </p>
    </div>
  );
}

/** The ledger's invariants, checked on one consistent snapshot each run. */
export function BooksReport() {
  const trpc = useTRPC();
  const books = useQuery(trpc.ledger.books.queryOptions(undefined, { staleTime: 0, refetchOnWindowFocus: false }));

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-muted" aria-live="polite">
          {books.isFetching ? "Checking the books…" : books.data ? `Last checked at ${timeFormat.format(books.dataUpdatedAt)}` : null}
        </p>
        <Button onClick={() => void books.refetch()} loading={books.isFetching} loadingText="Checking…">
          Re-run checks
        </Button>
      </div>
      {books.isError && !books.data ? (
        <QueryError what="the books" onRetry={() => void books.refetch()} retrying={books.isFetching} />
      ) : !books.data ? (
        <div className="space-y-3 rounded-card border border-line bg-surface p-5 shadow-card">
          <Skeleton className="h-5 w-1/2" />
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-4 w-5/6" />
        </div>
      ) : (
        <>
          <Summary checks={books.data} />
          <ul aria-label="Ledger checks" className="divide-y divide-line rounded-card border border-line bg-surface shadow-card">
            {books.data.map((check) => (
              <CheckRow key={check.name} check={check} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
