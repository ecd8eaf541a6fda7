"use client";

import Link from "next/link";
import { type ReactNode, useState } from "react";
import { type SortState, type SortValue, ariaSort, nextSort, paginationWindow, shownRange, tableView } from "@/components/kit/table-state";
import { Button, ButtonLink } from "@/components/ui/button";
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
  /** Controlled tables: the caller's sort fields this column offers, each a link ("User" / "Email" in one column). */
  sortFields?: ReadonlyArray<readonly [field: string, label: string]>;
  /** A header cell drawn by the caller (a select-all checkbox) instead of the header text. */
  headerCell?: ReactNode;
  /** Stays at the right edge while the table scrolls sideways, so a row's actions are always in reach. */
  pinned?: boolean;
}

/**
 * A table whose sort, filter and page live with the caller (in the URL, say): the rows given are the page to show,
 * already filtered and sorted; headers and pages are links, so the table works before (and without) JavaScript.
 */
export interface ControlledTable {
  sort: SortState;
  sortHref: (field: string) => string;
  page: number;
  pageSize: number;
  /** Rows on every page. */
  total: number;
  pageHref: (page: number) => string;
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
  /** State kept by the caller; the table then neither filters, sorts nor cuts pages itself. */
  controlled?: ControlledTable;
  /** Above the table, inside its frame: actions on the selected rows. */
  toolbar?: ReactNode;
  tableClassName?: string;
  /** Classes for every row, or per row (a switched-off record dimmed). */
  rowClassName?: string | ((row: Row) => string | undefined);
  /** Tighter cell padding, for wide tables that must fit a laptop screen. */
  dense?: boolean;
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
export function DataTable<Row>(props: DataTableProps<Row>) {
  const { rows, columns, rowKey, caption, what, failed, empty, card, cardsLabel, filterText, bare = false, controlled, toolbar } = props;
  const pageSize = controlled?.pageSize ?? props.pageSize ?? DEFAULT_PAGE_SIZE;
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

  const long = !controlled && rows.length > pageSize;
  const view = controlled
    ? { rows, matching: rows.length, page: controlled.page, pageCount: shownRange(controlled.page, pageSize, controlled.total).pageCount }
    : tableView(rows, {
        query: long ? query : "",
        filterText,
        sort,
        sortValue: (key) => columns.find((column) => column.key === key)?.sortValue,
        page,
        pageSize,
      });
  const cellPadding = props.dense ? "px-3" : undefined;

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
        {toolbar}
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
              <Table className={props.tableClassName}>
                <caption className="sr-only">{caption}</caption>
                <TableHead>
                  <tr>
                    {columns.map((column) =>
                      controlled ? (
                        <LinkHeaderCell key={column.key} column={column} controlled={controlled} padding={cellPadding} />
                      ) : (
                        <HeaderCell key={column.key} column={column} sort={sort} onSort={() => setSort(nextSort(sort, column.key))} padding={cellPadding} />
                      ),
                    )}
                  </tr>
                </TableHead>
                <tbody>
                  {view.rows.map((row) => (
                    <TableRow key={rowKey(row)} className={typeof props.rowClassName === "function" ? props.rowClassName(row) : props.rowClassName}>
                      {columns.map((column) => (
                        <TableCell key={column.key} className={cn(cellPadding, column.align === "right" && "text-right", column.pinned && PINNED, column.className)}>
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
      {controlled ? (
        <LinkPager controlled={controlled} what={what} />
      ) : view.pageCount > 1 ? (
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

const PINNED = "sticky right-0 bg-surface shadow-[-1px_0_0_var(--color-line)]";

function headerClasses<Row>(column: Column<Row>, padding: string | undefined) {
  return cn(padding, column.align === "right" && "text-right", column.pinned && PINNED);
}

/** Header text for screen readers only; a pinned header keeps its tint over an opaque cell, so rows scrolling under it don't show through. */
function HiddenHeader<Row>({ column, padding }: { column: Column<Row>; padding: string | undefined }) {
  return (
    <TableHeaderCell className={headerClasses(column, padding)}>
      {column.pinned ? <span className="absolute inset-0 bg-subtle/70" aria-hidden="true" /> : null}
      <span className="sr-only">{column.header}</span>
    </TableHeaderCell>
  );
}

function HeaderCell<Row>({ column, sort, onSort, padding }: { column: Column<Row>; sort: SortState | null; onSort: () => void; padding: string | undefined }) {
  const classes = headerClasses(column, padding);
  if (column.headerCell) return <TableHeaderCell className={classes}>{column.headerCell}</TableHeaderCell>;
  if (column.hiddenHeader) return <HiddenHeader column={column} padding={padding} />;
  if (!column.sortValue) return <TableHeaderCell className={classes}>{column.header}</TableHeaderCell>;
  const direction = sort?.column === column.key ? sort.direction : null;
  return (
    <TableHeaderCell className={classes} aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : undefined}>
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

/** A controlled table's header: one sort link per field the column offers. */
function LinkHeaderCell<Row>({ column, controlled, padding }: { column: Column<Row>; controlled: ControlledTable; padding: string | undefined }) {
  const classes = headerClasses(column, padding);
  if (column.headerCell) return <TableHeaderCell className={classes}>{column.headerCell}</TableHeaderCell>;
  if (column.hiddenHeader) return <HiddenHeader column={column} padding={padding} />;
  const fields = column.sortFields ?? [];
  if (fields.length === 0) return <TableHeaderCell className={classes}>{column.header}</TableHeaderCell>;
  const { sort } = controlled;
  return (
    <TableHeaderCell className={classes} aria-sort={ariaSort(sort, fields.map(([field]) => field))}>
      <span className={cn("inline-flex items-center gap-2", column.align === "right" && "flex-row-reverse")}>
        {fields.map(([field, label], index) => {
          const direction = sort.column === field ? sort.direction : null;
          return (
            <span key={field} className="inline-flex items-center gap-2">
              {index > 0 ? <span aria-hidden="true">/</span> : null}
              <Link href={controlled.sortHref(field)} className="inline-flex items-center gap-1 rounded hover:text-fg">
                {label}
                <SortIcon direction={direction} />
                <span className="sr-only">
                  {direction ? `, sorted ${direction === "asc" ? "ascending" : "descending"}. Activate to reverse.` : ", activate to sort."}
                </span>
              </Link>
            </span>
          );
        })}
      </span>
    </TableHeaderCell>
  );
}

/** A controlled table's pages as links: Previous, 1 … 4 5 6 … 12, Next, and how many rows there are. */
function LinkPager({ controlled, what }: { controlled: ControlledTable; what: string }) {
  const { page, pageSize, total, pageHref } = controlled;
  if (total === 0) return null;
  const { first, last, pageCount } = shownRange(page, pageSize, total);
  return (
    <nav aria-label={`Pages of ${what}`} className="flex flex-col items-center justify-between gap-3 sm:flex-row">
      <p className="text-sm text-muted" aria-live="polite">
        Showing <span className="font-medium text-fg">{first}</span>–<span className="font-medium text-fg">{last}</span> of{" "}
        <span className="font-medium text-fg">{total}</span>
      </p>
      <ul className="flex items-center gap-1">
        <li>
          {page > 1 ? (
            <ButtonLink href={pageHref(page - 1)} variant="secondary" size="sm" rel="prev">
              Previous
            </ButtonLink>
          ) : (
            <Button variant="secondary" size="sm" disabled>
              Previous
            </Button>
          )}
        </li>
        {paginationWindow(page, pageCount).map((number, index) =>
          number === null ? (
            <li key={`gap-${index}`} className="hidden px-1 text-muted sm:block" aria-hidden="true">
              …
            </li>
          ) : (
            <li key={number} className="hidden sm:block">
              <ButtonLink
                href={pageHref(number)}
                variant={number === page ? "primary" : "ghost"}
                size="sm"
                aria-current={number === page ? "page" : undefined}
                aria-label={`Page ${number}`}
              >
                {number}
              </ButtonLink>
            </li>
          ),
        )}
        <li>
          {page < pageCount ? (
            <ButtonLink href={pageHref(page + 1)} variant="secondary" size="sm" rel="next">
              Next
            </ButtonLink>
          ) : (
            <Button variant="secondary" size="sm" disabled>
              Next
            </Button>
          )}
        </li>
      </ul>
    </nav>
  );
}
