import pg from "pg";
import { vi } from "vitest";

/**
 * How many statements `work` sends to PostgreSQL, through any pool or client of this process: each `query` call
 * is one round trip (a named statement's parse, bind and execute travel together). Run it with nothing else
 * querying meanwhile, or their statements count too.
 */
export async function countRoundTrips<T>(work: () => Promise<T>): Promise<{ result: T; roundTrips: number }> {
  const query = vi.spyOn(pg.Client.prototype, "query");
  try {
    const result = await work();
    return { result, roundTrips: query.mock.calls.length };
  } finally {
    query.mockRestore();
  }
}
