"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { AuditFilters } from "@/components/admin/audit/audit-filters";
import { type AuditParams, auditExportHref, auditQuery, auditRange, hasAuditFilters } from "@/components/admin/audit/audit-params";
import { transactionHref } from "@/components/ledger/transaction-card";
import { useTRPC } from "@/components/providers/trpc";
import { Button, ButtonLink, buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { QueryError } from "@/components/wallet/query-error";
import type { AuditDetailLine } from "@/server/domain/audit";
import type { AuditLogEntry, AuditPerson } from "@/server/services/audit";

const PAGE_SIZE = 25;
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });
const timeFormat = new Intl.DateTimeFormat("en", { timeStyle: "medium" });

function Person({ person }: { person: AuditPerson }) {
  return (
    <>
      <p className="font-medium text-fg">{person.displayName}</p>
      <p className="text-xs break-all text-muted">{person.email}</p>
    </>
  );
}

function Target({ target }: { target: AuditLogEntry["target"] }) {
  if (target.user) return <Person person={target.user} />;
  return (
    <>
      <p className="font-medium text-fg">{target.typeLabel}</p>
      <p className="font-mono text-xs break-all text-muted">{target.id}</p>
    </>
  );
}

function DetailValue({ line }: { line: AuditDetailLine }) {
  if (line.key === "transactionId" && /^\d+$/.test(line.value)) {
    return (
      <Link href={transactionHref(BigInt(line.value))} className="font-mono text-accent-700 hover:underline">
        #{line.value}
      </Link>
    );
  }
  return <span className="break-words">{line.value}</span>;
}

function Details({ lines }: { lines: AuditDetailLine[] }) {
  if (lines.length === 0) return <span className="text-muted">—</span>;
  return (
    <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5">
      {lines.map((line, index) => (
        <div key={index} className="contents">
          <dt className="text-muted">{line.label}</dt>
          <dd className="min-w-0">
            <DetailValue line={line} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function AuditTable({ entries }: { entries: AuditLogEntry[] }) {
  return (
    <div className="overflow-hidden rounded-card border border-line bg-surface shadow-card">
      <Table className="min-w-[56rem]">
        <caption className="sr-only">Audit log, newest first</caption>
        <TableHead>
          <tr>
            <TableHeaderCell>Time</TableHeaderCell>
            <TableHeaderCell>Actor</TableHeaderCell>
            <TableHeaderCell>Action</TableHeaderCell>
            <TableHeaderCell>Target</TableHeaderCell>
            <TableHeaderCell>Details</TableHeaderCell>
          </tr>
        </TableHead>
        <tbody>
          {entries.map((entry) => (
            <TableRow key={entry.id.toString()} className="align-top">
              <TableCell className="align-top whitespace-nowrap text-muted">
                <time dateTime={entry.createdAt.toISOString()}>
                  <span className="block text-fg">{dateFormat.format(entry.createdAt)}</span>
                  <span className="block text-xs">{timeFormat.format(entry.createdAt)}</span>
                </time>
              </TableCell>
              <TableCell className="w-[13rem] align-top">{entry.actor ? <Person person={entry.actor} /> : <span className="text-muted">System</span>}</TableCell>
              <TableCell className="align-top">
                <p className="font-medium text-fg">{entry.actionLabel}</p>
                <p className="font-mono text-xs text-muted">{entry.action}</p>
              </TableCell>
              <TableCell className="w-[13rem] align-top">
                <Target target={entry.target} />
              </TableCell>
              <TableCell className="min-w-[16rem] align-top">
                <Details lines={entry.details} />
              </TableCell>
            </TableRow>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function AuditSkeleton() {
  return (
    <div className="space-y-3 rounded-card border border-line bg-surface p-5 shadow-card" role="status">
      <span className="sr-only">Loading the audit log…</span>
      {Array.from({ length: 4 }, (_, index) => (
        <Skeleton key={index} className="h-5 w-full" />
      ))}
    </div>
  );
}

/** Who did what to whom, newest first, a page at a time, with the filtered log as a CSV download. */
export function AuditLogExplorer({ params }: { params: AuditParams }) {
  const trpc = useTRPC();
  const range = auditRange(params);
  const log = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...auditQuery(params, range), limit: PAGE_SIZE },
      { enabled: range.ok, getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];

  function results() {
    if (!range.ok) return null;
    if (log.isError && !log.data) return <QueryError what="the audit log" onRetry={() => void log.refetch()} retrying={log.isFetching} />;
    if (!log.data) return <AuditSkeleton />;
    if (entries.length === 0) {
      return hasAuditFilters(params) ? (
        <EmptyState
          title="No entries match"
          description="Try another actor, target, action or date range."
          action={<ButtonLink href="/admin/audit" variant="secondary">Clear filters</ButtonLink>}
        />
      ) : (
        <EmptyState title="The audit log is empty" description="Admin actions and sensitive changes appear here as they happen." />
      );
    }
    return (
      <>
        <AuditTable entries={entries} />
        {log.hasNextPage ? (
          <div className="space-y-3 text-center">
            {log.isFetchNextPageError ? (
              <p role="alert" className="text-sm text-red-700">
                We couldn&apos;t load more entries. Try again.
              </p>
            ) : null}
            <Button variant="secondary" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage} loadingText="Loading…">
              Load more
            </Button>
          </div>
        ) : (
          <p className="text-center text-sm text-muted">That&apos;s every matching entry.</p>
        )}
      </>
    );
  }

  return (
    <div className="space-y-6">
      <AuditFilters values={params} dateError={range.ok ? null : range.error} />
      {range.ok ? (
        <div className="flex justify-end">
          <a href={auditExportHref(params, range)} download className={buttonClasses({ variant: "secondary", size: "sm" })}>
            Export CSV
          </a>
        </div>
      ) : null}
      {results()}
    </div>
  );
}
