import "server-only";
import type { Pool, PoolClient } from "pg";

/** Anything that runs a parameterised query: the pool, or a client inside a transaction. */
export interface Queryable {
  query: PoolClient["query"];
}

/**
 * Runs `work` in one database transaction on one connection. Network calls (Stripe, Pusher, email) belong
 * before or after it, never inside.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
