import pg from "pg";
import { vi } from "vitest";

/**
 * How many statements `work` sends to PostgreSQL, through any pool or client of this process: each `query` call
 * is one round trip (a named statement's parse, bind and execute travel together). Run it with nothing else
 * querying meanwhile, or their statements count too. `statements` says which they were: a named statement's name,
 * else its text.
 */
export async function countRoundTrips<T>(work: () => Promise<T>): Promise<{ result: T; roundTrips: number; statements: string[] }> {
  const query = vi.spyOn(pg.Client.prototype, "query");
  try {
    const result = await work();
    const statements = query.mock.calls.map(([config]) => (typeof config === "string" ? config : ((config as { name?: string; text?: string }).name ?? String((config as { text?: string }).text))));
    return { result, roundTrips: query.mock.calls.length, statements };
  } finally {
    query.mockRestore();
  }
}
