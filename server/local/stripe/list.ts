import { invalidRequest } from "./errors";
import { apiList, type ApiList } from "./objects";

export interface ListParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
}

function cursorIndex(items: { id: string }[], id: string, param: string): number {
  const index = items.findIndex((item) => item.id === id);
  if (index === -1) throw invalidRequest(`No such object: '${id}'`, { param, code: "resource_missing" });
  return index;
}

/** Stripe's cursor pagination over a newest-first list. */
export function paginate<T extends { id: string }>(items: T[], params: ListParams, url: string): ApiList<T> {
  const limit = params.limit ?? 10;
  if (params.ending_before !== undefined) {
    const end = cursorIndex(items, params.ending_before, "ending_before");
    const start = Math.max(0, end - limit);
    return apiList(items.slice(start, end), url, start > 0);
  }
  const start = params.starting_after === undefined ? 0 : cursorIndex(items, params.starting_after, "starting_after") + 1;
  return apiList(items.slice(start, start + limit), url, start + limit < items.length);
}
