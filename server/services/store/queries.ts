import "server-only";
import { pool } from "@/server/db/client";
import type { StoreItemKind, StoreOrderStatus } from "@/server/generated/prisma/enums";

/**
 * The store's reads that stay one SQL statement, each typed and covered by store.int.test.ts: they filter or
 * aggregate across tables Prisma has no relation for (users and performer profiles), so Prisma would need a
 * query per table and could not apply the limit after the filter.
 */

function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export interface AdminOrderQuery {
  status?: StoreOrderStatus;
  /** Site items, performers' items, or both. */
  seller?: "site" | "performers";
  kind?: StoreItemKind;
  /** Part of a buyer's or seller's username, an item title, or an order id. */
  search?: string;
}

/** The ids of the orders an admin's filter matches, newest first. */
export async function adminOrderIds(query: AdminOrderQuery, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT o.id
       FROM store_orders o
       JOIN store_items i ON i.id = o.item_id
       JOIN users b ON b.id = o.buyer_id
       LEFT JOIN users s ON s.id = o.seller_id
      WHERE ($1::"StoreOrderStatus" IS NULL OR o.status = $1::"StoreOrderStatus")
        AND ($2::text IS NULL OR ($2 = 'site') = (o.seller_id IS NULL))
        AND ($3::"StoreItemKind" IS NULL OR i.kind = $3::"StoreItemKind")
        AND ($4::text IS NULL OR b.username ILIKE $4 OR s.username ILIKE $4 OR i.title ILIKE $4 OR o.id::text ILIKE $4)
      ORDER BY o.created_at DESC LIMIT $5`,
    [query.status ?? null, query.seller ?? null, query.kind ?? null, query.search ? likePattern(query.search) : null, limit],
  );
  return rows.map((row) => row.id);
}
