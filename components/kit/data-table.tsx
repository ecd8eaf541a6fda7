"use client";

import { type ReactNode, useState } from "react";
import { type SortState, type SortValue, nextSort, tableView } from "@/components/kit/table-state";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { QueryError } from "@/components/wallet/query-error";

export interface Column<Row> {
  key: string;
  header: string;
  /** The header is read to screen readers only (an actions column). */
  hiddenHeader?: boolean;
  align?: "left" | "right";
  cell: (row: Row) => ReactNode;
  className?: string;
  /** Makes the column sortable by this value. */
  sortValue?: (row: Row) => SortValue;
}

interface DataTableProps<Row> {
  /** Undefined while loading. */
  rows: Row[] | undefined;
  columns: Column<Row>[];
  rowKey: (row: Row) => string;
  caption: string;
  /** What the rows are, plural, for the loading and error messages: "packages". */
  what: string;
  /** A failed load, with a way to try again. */
  failed?: { onRetry: () => void; retrying: boolean } | null;
  /** Shown when there are no rows at all. */
  empty: { title: string; description?: ReactNode; action?: ReactNode };
  /** One row as a list item on narrow screens; without it the table scrolls sideways there. */
  card?: (row: Row) => ReactNode;
  /** The accessible name of that list (the caption by default). */
  cardsLabel?: string;
  /** The text a row is found by; the filter box appears once the list is longer than a page. */
  filterText?: (row: Row) => string;
  pageSize?: number;
  /** Inside a frame the caller draws (a card with its own header): no card of its own. */
  bare?: boolean;
}

const DEFAULT_PAGE_SIZE = 25;

function CardFrame({ children }: { children: ReactNode }) {
  return <Card className="overflow-hidden">{children}</Card>;
}

function BareFrame({ children }: { children: ReactNode }) {
  return <div>{children}</div>;
}

function SortIcon({ direction }: { direction: "asc" | "desc" | null }) {
  return (
    <svg viewBox="0 0 12 12" fill="currentColor" aria-hidden="true" className={cn("size-3", direction ? "text-fg" : "text-muted/50")}>
      {direction !== "desc" ? <path d="M6 2 9.5 5.5h-7z" /> : null}
      {direction !== "asc" ? <path d="M6 10 2.5 6.5h7z" /> : null}
    </svg>
  );
}

/**
 * One table for every list an admin or performer manages: loading, failure and empty states; headers that sort
 * (ascending, descending, then the server's order); and, for lists longer than a page, a filter box and pages.
 */
export function DataTable<Row>({ rows, columns, rowKey, caption, what, failed, empty, card, cardsLabel, filterText, pageSize = DEFAULT_PAGE_SIZE, bare = false }: DataTableProps<Row>) {
  const [sort, setSort] = useState<SortState | null>(null);
  const [query, setQuery] = useState("");
  const [page, setPage] = useState(1);
  const Frame = bare ? BareFrame : CardFrame;

  if (failed) {
    return (
      <Frame>
        <QueryError what={`the ${what}`} onRetry={failed.onRetry} retrying={failed.retrying} />
      </Frame>
    );
  }
  if (!rows) {
    return (
      <Frame>
        <div className="space-y-3 p-5" role="status">
          <span className="sr-only">{`Loading ${what}…`}</span>
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-2/3" />
        </div>
      </Frame>
    );
  }
  if (rows.length === 0) {
    return (
      <Frame>
        <EmptyState className="m-5 border-none" {...empty} />
      </Frame>
    );
  }

  const long = rows.length > pageSize;
  const view = tableView(rows, {
    query: long ? query : "",
    filterText,
    sort,
    sortValue: (key) => columns.find((column) => column.key === key)?.sortValue,
    page,
    pageSize,
  });

  return (
    <div className="space-y-3">
      {long && filterText ? (
        <div className="max-w-sm">
          <label className="sr-only" htmlFor={`filter-${what}`}>{`Filter ${what}`}</label>
          <Input
            id={`filter-${what}`}
            type="search"
            placeholder={`Filter ${what}…`}
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setPage(1);
            }}
          />
        </div>
      ) : null}
      <Frame>
        {view.matching === 0 ? (
          <EmptyState className="m-5 border-none" title={`No ${what} match “${query.trim()}”`} description="Try fewer or other words." />
        ) : (
          <>
            {card ? (
              <ul className="divide-y divide-line md:hidden" aria-label={cardsLabel ?? caption}>
                {view.rows.map((row) => (
                  <li key={rowKey(row)} className="flex items-start justify-between gap-3 px-4 py-4">
                    {card(row)}
                  </li>
                ))}
              </ul>
            ) : null}
            <div className={card ? "hidden md:block" : undefined}>
              <Table>
                <caption className="sr-only">{caption}</caption>
                <TableHead>
                  <tr>
                    {columns.map((column) => (
                      <HeaderCell key={column.key} column={column} sort={sort} onSort={() => setSort(nextSort(sort, column.key))} />
                    ))}
                  </tr>
                </TableHead>
                <tbody>
                  {view.rows.map((row) => (
                    <TableRow key={rowKey(row)}>
                      {columns.map((column) => (
                        <TableCell key={column.key} className={cn(column.align === "right" && "text-right", column.className)}>
                          {column.cell(row)}
                        </TableCell>
                      ))}
                    </TableRow>
                  ))}
                </tbody>
              </Table>
            </div>
          </>
        )}
      </Frame>
      {view.pageCount > 1 ? (
        <nav className="flex items-center justify-between gap-3 text-sm text-muted" aria-label={`Pages of ${what}`}>
          <span>
            Page {view.page} of {view.pageCount} · {view.matching} {what}
          </span>
          <span className="flex gap-2">
            <Button size="sm" variant="secondary" disabled={view.page === 1} onClick={() => setPage(view.page - 1)}>
              Previous
            </Button>
            <Button size="sm" variant="secondary" disabled={view.page === view.pageCount} onClick={() => setPage(view.page + 1)}>
              Next
            </Button>
          </span>
        </nav>
      ) : null}
    </div>
  );
}

function HeaderCell<Row>({ column, sort, onSort }: { column: Column<Row>; sort: SortState | null; onSort: () => void }) {
  const alignment = column.align === "right" ? "text-right" : undefined;
  if (column.hiddenHeader) {
    return (
      <TableHeaderCell className={alignment}>
        <span className="sr-only">{column.header}</span>
      </TableHeaderCell>
    );
  }
  if (!column.sortValue) return <TableHeaderCell className={alignment}>{column.header}</TableHeaderCell>;
  const direction = sort?.column === column.key ? sort.direction : null;
  return (
    <TableHeaderCell className={alignment} aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : undefined}>
      <button
        type="button"
        onClick={onSort}
        className={cn("inline-flex items-center gap-1 uppercase tracking-wide hover:text-fg focus-visible:outline-2", column.align === "right" && "flex-row-reverse")}
      >
        {column.header}
        <SortIcon direction={direction} />
      </button>
    </TableHeaderCell>
  );
}
