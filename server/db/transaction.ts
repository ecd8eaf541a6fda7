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
    return await inTransaction(client, work);
  } finally {
    client.release();
  }
}

/** withTransaction on a connection the caller holds (and keeps using afterwards, in order). */
export async function inTransaction<T>(client: PoolClient, work: (client: PoolClient) => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
