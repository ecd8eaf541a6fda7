import "server-only";
import { pool } from "@/server/db/client";
import type { StoreItemKind, StoreOrderStatus } from "@/server/generated/prisma/enums";
import type { CatalogueItem } from "./items";

/**
 * The store's reads that stay one SQL statement, each typed and covered by store.int.test.ts: they filter across
 * tables the Prisma schema has no relation for (users and performer profiles), so Prisma would need a query per
 * table and could not apply the limit after the filter.
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

interface ItemRow {
  id: string;
  kind: StoreItemKind;
  title: string;
  description: string;
  price: string;
  stock: number | null;
  file_name: string | null;
  seller_id: string | null;
  seller_username: string | null;
  seller_stage_name: string | null;
}

/** On sale: active, a digital item with its file, sold by the site or by an approved performer who is not suspended. */
const ON_SALE_ITEMS = `
  SELECT i.id, i.kind, i.title, i.description, i.price, i.stock, i.file_name, i.seller_id,
         u.username AS seller_username, p.stage_name AS seller_stage_name
    FROM store_items i
    LEFT JOIN users u ON u.id = i.seller_id
    LEFT JOIN performer_profiles p ON p.user_id = i.seller_id
   WHERE i.active AND (i.kind = 'PHYSICAL' OR i.storage_key IS NOT NULL)
     AND (i.seller_id IS NULL OR (u.status = 'ACTIVE' AND p.status = 'APPROVED'))`;

function catalogueItemOf(row: ItemRow): CatalogueItem {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    description: row.description,
    price: BigInt(row.price),
    stock: row.stock,
    soldOut: row.stock === 0,
    seller:
      row.seller_id && row.seller_username
        ? { id: row.seller_id, username: row.seller_username, stageName: row.seller_stage_name ?? row.seller_username }
        : null,
    fileName: row.file_name,
  };
}

/** The catalogue: the site's own items first, newest first within each. */
export async function onSaleItems(limit: number): Promise<CatalogueItem[]> {
  const { rows } = await pool.query<ItemRow>(`${ON_SALE_ITEMS} ORDER BY i.seller_id IS NOT NULL, i.created_at DESC LIMIT $1`, [limit]);
  return rows.map(catalogueItemOf);
}

export async function onSaleItem(itemId: string): Promise<CatalogueItem | null> {
  const { rows } = await pool.query<ItemRow>(`${ON_SALE_ITEMS} AND i.id = $1`, [itemId]);
  return rows[0] ? catalogueItemOf(rows[0]) : null;
}
