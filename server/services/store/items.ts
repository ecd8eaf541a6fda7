import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { storeItemFieldsSchema } from "@/server/domain/store";
import { STORE_FILE_TYPES_HINT, declaredStoreTypeMatches, safeDownloadName, sniffStoreFile } from "@/server/domain/store-files";
import { env } from "@/server/env";
import type { Role, StoreItemKind } from "@/server/generated/prisma/enums";
import { fileStorage } from "@/server/integrations/storage";
import { recordAudit } from "@/server/services/audit/record";

/**
 * Store items: sold by the site (no seller; admins manage them) or by a performer (only they manage theirs).
 * A digital item carries one file, uploaded through a route handler and kept in the app's file storage; it is on
 * sale only once the file is there. Someone else's item is answered as if it did not exist.
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

export interface ManagedItem extends CatalogueItem {
  active: boolean;
  mimeType: string | null;
  /** Units in orders that were not cancelled or refunded. */
  sold: number;
  createdAt: Date;
}

/** Whose items an actor manages: a performer their own, an admin the site's (seller null). */
export interface ItemOwner {
  actorId: string;
  sellerId: string | null;
}

export function itemOwnerFor(user: { id: string; role: Role }): ItemOwner {
  if (user.role === "ADMIN") return { actorId: user.id, sellerId: null };
  if (user.role === "PERFORMER") return { actorId: user.id, sellerId: user.id };
  throw new DomainError("FORBIDDEN", "Only performers and administrators sell in the store.");
}

interface ItemRow {
  id: string;
  kind: StoreItemKind;
  title: string;
  description: string;
  price: string;
  stock: number | null;
  active: boolean;
  file_name: string | null;
  mime_type: string | null;
  seller_id: string | null;
  seller_username: string | null;
  seller_stage_name: string | null;
  created_at: Date;
}

const ITEM_COLUMNS = `i.id, i.kind, i.title, i.description, i.price, i.stock, i.active, i.file_name, i.mime_type, i.seller_id,
  u.username AS seller_username, p.stage_name AS seller_stage_name, i.created_at`;

const ITEM_FROM = `store_items i
  LEFT JOIN users u ON u.id = i.seller_id
  LEFT JOIN performer_profiles p ON p.user_id = i.seller_id`;

/** On sale: active, a digital item with its file, sold by the site or by an approved performer who is not suspended. */
const ON_SALE = `i.active AND (i.kind = 'PHYSICAL' OR i.storage_key IS NOT NULL)
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

/** Everything on sale, the site's own items first, newest first within each. */
export async function catalogue(): Promise<CatalogueItem[]> {
  const { rows } = await pool.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM} WHERE ${ON_SALE} ORDER BY i.seller_id IS NOT NULL, i.created_at DESC LIMIT 200`);
  return rows.map(catalogueItemOf);
}

export async function catalogueItem(itemId: string): Promise<CatalogueItem> {
  const { rows } = await pool.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM ${ITEM_FROM} WHERE i.id = $1 AND ${ON_SALE}`, [itemId]);
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "That item is not on sale.");
  return catalogueItemOf(row);
}

/** The owner's items, on sale or not, with how many units they sold. */
export async function managedItems(owner: ItemOwner): Promise<ManagedItem[]> {
  const { rows } = await pool.query<ItemRow & { sold: number }>(
    `SELECT ${ITEM_COLUMNS},
            coalesce((SELECT sum(o.quantity) FROM store_orders o
                       WHERE o.item_id = i.id AND o.status NOT IN ('CANCELLED', 'REFUNDED')), 0)::int AS sold
       FROM ${ITEM_FROM}
      WHERE i.seller_id IS NOT DISTINCT FROM $1::uuid
      ORDER BY i.active DESC, i.created_at DESC`,
    [owner.sellerId],
  );
  return rows.map((row) => ({ ...catalogueItemOf(row), active: row.active, mimeType: row.mime_type, sold: row.sold, createdAt: row.created_at }));
}

export const saveItemSchema = storeItemFieldsSchema.extend({ id: z.uuid().optional() });
export type SaveItemInput = z.input<typeof saveItemSchema>;

/** Creates an item, or updates one the owner has; a kind never changes once orders may point at it. */
export async function saveItem(owner: ItemOwner, input: SaveItemInput): Promise<ManagedItem> {
  const fields = saveItemSchema.parse(input);
  const itemId = await withTransaction(pool, async (db) => {
    const values = [fields.title, fields.description, fields.price.toString(), fields.stock, fields.active];
    let id: string;
    if (fields.id) {
      const existing = await ownedItem(db, owner, fields.id, "FOR UPDATE");
      if (existing.kind !== fields.kind) throw new DomainError("BAD_REQUEST", "An item's kind cannot change; create a new item instead.");
      await db.query(
        `UPDATE store_items SET title = $2, description = $3, price = $4, stock = $5, active = $6, updated_at = now() WHERE id = $1`,
        [fields.id, ...values],
      );
      id = fields.id;
    } else {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO store_items (id, seller_id, kind, title, description, price, stock, active, updated_at)
         VALUES (gen_random_uuid(), $1, $2::"StoreItemKind", $3, $4, $5, $6, $7, now()) RETURNING id`,
        [owner.sellerId, fields.kind, ...values],
      );
      id = rows[0]?.id as string;
    }
    await recordAudit(db, { actorId: owner.actorId, action: fields.id ? "store_item.update" : "store_item.create", target: { type: "store_item", id }, details: fields });
    return id;
  });
  const saved = (await managedItems(owner)).find((item) => item.id === itemId);
  if (!saved) throw new Error(`store item ${itemId} vanished after saving`);
  return saved;
}

/** The owner's item, locked when `db` is a transaction that will change it. */
async function ownedItem(db: Queryable, owner: ItemOwner, itemId: string, lock: "FOR UPDATE" | "" = "") {
  const { rows } = await db.query<{ kind: StoreItemKind; storage_key: string | null }>(
    `SELECT kind, storage_key FROM store_items WHERE id = $1 AND seller_id IS NOT DISTINCT FROM $2::uuid ${lock}`,
    [itemId, owner.sellerId],
  );
  const item = rows[0];
  if (!item) throw new DomainError("NOT_FOUND", "That item does not exist.");
  return item;
}

export interface UploadedFile {
  bytes: Uint8Array;
  fileName: string;
  declaredType: string;
}

/** The largest file a digital item may carry. */
export function maxStoreFileBytes(): number {
  return env.MAX_UPLOAD_BYTES;
}

/**
 * Attaches (or replaces) a digital item's file after checking its size and what its bytes are. The file is stored
 * first and the item pointed at it in one transaction; the replaced file is removed once that committed.
 */
export async function attachItemFile(owner: ItemOwner, itemId: string, file: UploadedFile): Promise<{ fileName: string; mimeType: string; sizeBytes: number }> {
  if (file.bytes.byteLength === 0) throw new DomainError("BAD_REQUEST", "The file is empty.");
  if (file.bytes.byteLength > maxStoreFileBytes()) {
    throw new DomainError("BAD_REQUEST", `The file is larger than ${Math.floor(maxStoreFileBytes() / 1024 / 1024)} MB.`);
  }
  const type = sniffStoreFile(file.bytes);
  if (!type) throw new DomainError("BAD_REQUEST", `That kind of file can't be sold here. Upload a ${STORE_FILE_TYPES_HINT} file.`);
  if (!declaredStoreTypeMatches(file.declaredType, type)) {
    throw new DomainError("BAD_REQUEST", `The file says it is ${file.declaredType} but its contents are a ${type.label}.`);
  }
  // Checked before storing, so a stranger's request leaves no file behind; checked again under the lock below.
  const before = await ownedItem(pool, owner, itemId);
  if (before.kind !== "DIGITAL") throw new DomainError("BAD_REQUEST", "Only digital items carry a file.");

  const fileName = safeDownloadName(file.fileName);
  const stored = await fileStorage().put("store", file.bytes);
  let replacedKey: string | null;
  try {
    replacedKey = await withTransaction(pool, async (db) => {
      const item = await ownedItem(db, owner, itemId, "FOR UPDATE");
      await db.query(
        "UPDATE store_items SET storage_key = $2, file_name = $3, mime_type = $4, updated_at = now() WHERE id = $1",
        [itemId, stored.key, fileName, type.mimeType],
      );
      await recordAudit(db, {
        actorId: owner.actorId,
        action: "store_item.file",
        target: { type: "store_item", id: itemId },
        details: { fileName, mimeType: type.mimeType, sizeBytes: stored.sizeBytes },
      });
      return item.storage_key;
    });
  } catch (error) {
    await fileStorage().remove(stored.key);
    throw error;
  }
  if (replacedKey) await fileStorage().remove(replacedKey);
  return { fileName, mimeType: type.mimeType, sizeBytes: stored.sizeBytes };
}
