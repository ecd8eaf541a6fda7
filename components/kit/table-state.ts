/**
 * What a data table shows, as pure functions of its rows and the reader's choices: filter, then sort, then cut a
 * page. Sorting is stable, so rows that compare equal keep the order the server sent them in (its own ordering,
 * such as "on sale first", stays the tie-breaker).
 */

export type SortValue = string | number | bigint | boolean | null;
export type SortDirection = "asc" | "desc";

export interface SortState {
  column: string;
  direction: SortDirection;
}

export interface TableView<Row> {
  rows: Row[];
  /** Rows that passed the filter, on every page. */
  matching: number;
  page: number;
  pageCount: number;
}

function compare(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  // Missing values sort last whichever way the column is sorted, so "unlimited" or "none" never leads.
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b, undefined, { sensitivity: "base", numeric: true });
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortRows<Row>(rows: readonly Row[], value: (row: Row) => SortValue, direction: SortDirection): Row[] {
  const sign = direction === "asc" ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, key: value(row) }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) return compare(a.key, b.key) || a.index - b.index;
      return sign * compare(a.key, b.key) || a.index - b.index;
    })
    .map(({ row }) => row);
}

/** Rows whose text contains every word of the query, ignoring case and accents. */
export function filterRows<Row>(rows: readonly Row[], text: (row: Row) => string, query: string): Row[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...rows];
  return rows.filter((row) => {
    const haystack = fold(text(row));
    return words.every((word) => haystack.includes(word));
  });
}

function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The next sort after a click on a column's header: ascending first, then descending, then back to the server's order. */
export function nextSort(current: SortState | null, column: string): SortState | null {
  if (current?.column !== column) return { column, direction: "asc" };
  return current.direction === "asc" ? { column, direction: "desc" } : null;
}

export function tableView<Row>(
  rows: readonly Row[],
  options: {
    query: string;
    filterText?: (row: Row) => string;
    sort: SortState | null;
    sortValue?: (column: string) => ((row: Row) => SortValue) | undefined;
    page: number;
    pageSize: number;
  },
): TableView<Row> {
  const filtered = options.filterText ? filterRows(rows, options.filterText, options.query) : [...rows];
  const value = options.sort ? options.sortValue?.(options.sort.column) : undefined;
  const sorted = options.sort && value ? sortRows(filtered, value, options.sort.direction) : filtered;
  const pageCount = Math.max(1, Math.ceil(sorted.length / options.pageSize));
  const page = Math.min(Math.max(1, options.page), pageCount);
  const start = (page - 1) * options.pageSize;
  return { rows: sorted.slice(start, start + options.pageSize), matching: sorted.length, page, pageCount };
}

/** Page numbers to show around the current page, with null marking a gap: 1 … 4 5 6 … 12. */
export function paginationWindow(page: number, pageCount: number): Array<number | null> {
  const wanted = new Set([1, pageCount, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pageCount));
  const sorted = [...wanted].sort((a, b) => a - b);
  const result: Array<number | null> = [];
  for (const n of sorted) {
    const previous = result.at(-1);
    if (typeof previous === "number" && n - previous > 1) result.push(null);
    result.push(n);
  }
  return result;
}

/** The rows a page shows, counted from 1 ("Showing 21–40 of 45"); none when there are no rows. */
export function shownRange(page: number, pageSize: number, total: number): { first: number; last: number; pageCount: number } {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  if (total === 0) return { first: 0, last: 0, pageCount };
  return { first: (page - 1) * pageSize + 1, last: Math.min(page * pageSize, total), pageCount };
}

/** A header's aria-sort when it sorts by any of `fields` (a column can offer two: name and email). */
export function ariaSort(sort: SortState | null, fields: readonly string[]): "ascending" | "descending" | undefined {
  if (!sort || !fields.includes(sort.column)) return undefined;
  return sort.direction === "asc" ? "ascending" : "descending";
}
