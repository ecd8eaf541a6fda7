/**
 * The Discover page's paging: a page number from the URL (forgiving: anything odd is page 1) and how many
 * pages a total makes (always at least one, so an empty directory still has a page to say so).
 */
export const PERFORMERS_PER_PAGE = 24;
/** Live rooms listed at once, newest live first; the heading says how many more there are. */
export const LIVE_ROOMS_SHOWN = 24;
export const MAX_PAGE = 10_000;

export function parsePage(raw: string | string[] | undefined): number {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d{1,5}$/.test(value)) return 1;
  const page = Number(value);
  return page >= 1 && page <= MAX_PAGE ? page : 1;
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
