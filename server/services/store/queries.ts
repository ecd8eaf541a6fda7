import "server-only";
import { pool } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import type { StoreItemKind, StoreOrderStatus } from "@/server/generated/prisma/enums";

/**
 * The store's SQL about items, each statement a named function with a typed row (orders' are in order-queries.ts).
 * The catalogue reads stay one statement: they filter across tables the Prisma schema has no relation for (users
 * and performer profiles), so Prisma would need a query per table and could not apply the limit after the filter.
 * The rest run inside the transactions that reserve stock (guarded in the UPDATE's WHERE) or swap an item's file
 * under its row lock. Covered through the use cases by store.int.test.ts and checkout.int.test.ts.
 */

export interface StoreSeller {
  id: string;
  username: string;
  stageName: string;
}

export interface CatalogueItem {
  id: string;
  kind: StoreItemKind;
  title: string;
  description: string;
  price: bigint;
  /** Null: unlimited. */
  stock: number | null;
  soldOut: boolean;
  /** Null: sold by the site itself. */
  seller: StoreSeller | null;
  fileName: string | null;
}

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

// ---------------------------------------------------------------------------------------------------------------
// Buying and item files: statements inside the transactions that reserve stock or swap an item's file.

/** Serialises the callers of one key until the transaction ends. */
export async function lockKey(db: Queryable, key: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [key]);
}

export interface ItemForSaleRow {
  id: string;
  kind: StoreItemKind;
  title: string;
  price: string;
  active: boolean;
  seller_id: string | null;
  has_file: boolean;
}

export async function selectItemForSale(db: Queryable, itemId: string): Promise<ItemForSaleRow | undefined> {
  const { rows } = await db.query<ItemForSaleRow>(
    "SELECT id, kind, title, price, active, seller_id, storage_key IS NOT NULL AS has_file FROM store_items WHERE id = $1",
    [itemId],
  );
  return rows[0];
}

/** Takes `quantity` off an active item's stock if that much is left; its price then, or null when nothing was taken. */
export async function reserveStock(db: Queryable, itemId: string, quantity: number): Promise<bigint | null> {
  const reserved = await db.query<{ price: string }>(
    `UPDATE store_items SET stock = stock - $2, updated_at = now()
        WHERE id = $1 AND active AND (stock IS NULL OR stock >= $2)
        RETURNING price`,
    [itemId, quantity],
  );
  if (reserved.rowCount === 0) return null;
  return BigInt(reserved.rows[0]?.price ?? "0");
}

export async function selectItemStock(db: Queryable, itemId: string): Promise<{ active: boolean; stock: number | null } | undefined> {
  const { rows } = await db.query<{ active: boolean; stock: number | null }>("SELECT active, stock FROM store_items WHERE id = $1", [itemId]);
  return rows[0];
}

export async function selectUserEmail(db: Queryable, userId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ email: string }>("SELECT email FROM users WHERE id = $1", [userId]);
  return rows[0]?.email;
}

/** The owner's item (`sellerId` null for the site's), locked for the rest of the transaction. */
export async function selectOwnedItemForUpdate(db: Queryable, itemId: string, sellerId: string | null): Promise<{ storageKey: string | null } | undefined> {
  const { rows } = await db.query<{ storageKey: string | null }>(
    `SELECT storage_key AS "storageKey" FROM store_items WHERE id = $1 AND seller_id IS NOT DISTINCT FROM $2::uuid FOR UPDATE`,
    [itemId, sellerId],
  );
  return rows[0];
}

export async function setItemFile(db: Queryable, itemId: string, file: { key: string; fileName: string; mimeType: string }): Promise<void> {
  await db.query(
    "UPDATE store_items SET storage_key = $2, file_name = $3, mime_type = $4, updated_at = now() WHERE id = $1",
    [itemId, file.key, file.fileName, file.mimeType],
  );
}
