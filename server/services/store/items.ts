import "server-only";
import { z } from "zod";
import { pool, prisma } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { storeItemFieldsSchema } from "@/server/domain/store";
import { STORE_FILE_TYPES_HINT, declaredStoreTypeMatches, safeDownloadName, sniffStoreFile } from "@/server/domain/store-files";
import { env } from "@/server/env";
import type { Role } from "@/server/generated/prisma/enums";
import { fileStorage } from "@/server/integrations/storage";
import { recordAudit, recordAuditWithPrisma } from "@/server/services/audit/record";
import { type CatalogueItem, type StoreSeller, onSaleItem, onSaleItems, selectOwnedItemForUpdate, setItemFile } from "./queries";

/**
 * Store items: sold by the site (no seller; admins manage them) or by a performer (only they manage theirs).
 * A digital item carries one file, uploaded through a route handler and kept in the app's file storage; it is on
 * sale only once the file is there. Someone else's item is answered as if it did not exist.
 */

export type { CatalogueItem, StoreSeller } from "./queries";

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

/** Everything on sale, the site's own items first, newest first within each. */
export function catalogue(): Promise<CatalogueItem[]> {
  return onSaleItems(200);
}

export async function catalogueItem(itemId: string): Promise<CatalogueItem> {
  const item = await onSaleItem(itemId);
  if (!item) throw new DomainError("NOT_FOUND", "That item is not on sale.");
  return item;
}

async function sellerOf(sellerId: string | null): Promise<StoreSeller | null> {
  if (!sellerId) return null;
  const user = await prisma.user.findUnique({ where: { id: sellerId }, select: { username: true, performerProfile: { select: { stageName: true } } } });
  return user && { id: sellerId, username: user.username, stageName: user.performerProfile?.stageName ?? user.username };
}

/** The owner's items, on sale or not, with how many units they sold. */
export async function managedItems(owner: ItemOwner): Promise<ManagedItem[]> {
  const items = await prisma.storeItem.findMany({ where: { sellerId: owner.sellerId }, orderBy: [{ active: "desc" }, { createdAt: "desc" }] });
  const sold = await prisma.storeOrder.groupBy({
    by: ["itemId"],
    where: { itemId: { in: items.map((item) => item.id) }, status: { notIn: ["CANCELLED", "REFUNDED"] } },
    _sum: { quantity: true },
  });
  const soldByItem = new Map(sold.map((row) => [row.itemId, row._sum.quantity ?? 0]));
  const seller = await sellerOf(owner.sellerId);
  return items.map((item) => ({
    id: item.id,
    kind: item.kind,
    title: item.title,
    description: item.description,
    price: item.price,
    stock: item.stock,
    soldOut: item.stock === 0,
    seller,
    fileName: item.fileName,
    active: item.active,
    mimeType: item.mimeType,
    sold: soldByItem.get(item.id) ?? 0,
    createdAt: item.createdAt,
  }));
}

export const saveItemSchema = storeItemFieldsSchema.extend({ id: z.uuid().optional() });
export type SaveItemInput = z.input<typeof saveItemSchema>;

/** Creates an item, or updates one the owner has; a kind never changes once orders may point at it. */
export async function saveItem(owner: ItemOwner, input: SaveItemInput): Promise<ManagedItem> {
  const fields = saveItemSchema.parse(input);
  const itemId = await prisma.$transaction(async (tx) => {
    const values = { title: fields.title, description: fields.description, price: fields.price, stock: fields.stock, active: fields.active };
    let id: string;
    if (fields.id) {
      const existing = await tx.storeItem.findFirst({ where: { id: fields.id, sellerId: owner.sellerId }, select: { kind: true } });
      if (!existing) throw new DomainError("NOT_FOUND", "That item does not exist.");
      if (existing.kind !== fields.kind) throw new DomainError("BAD_REQUEST", "An item's kind cannot change; create a new item instead.");
      await tx.storeItem.update({ where: { id: fields.id }, data: values });
      id = fields.id;
    } else {
      id = (await tx.storeItem.create({ data: { sellerId: owner.sellerId, kind: fields.kind, ...values }, select: { id: true } })).id;
    }
    await recordAuditWithPrisma(tx, { actorId: owner.actorId, action: fields.id ? "store_item.update" : "store_item.create", target: { type: "store_item", id }, details: fields });
    return id;
  });
  const saved = (await managedItems(owner)).find((item) => item.id === itemId);
  if (!saved) throw new Error(`store item ${itemId} vanished after saving`);
  return saved;
}

/** The owner's item, locked for the rest of the transaction: its file is being swapped. */
async function lockOwnedItem(db: Queryable, owner: ItemOwner, itemId: string): Promise<{ storageKey: string | null }> {
  const item = await selectOwnedItemForUpdate(db, itemId, owner.sellerId);
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
  const before = await prisma.storeItem.findFirst({ where: { id: itemId, sellerId: owner.sellerId }, select: { kind: true } });
  if (!before) throw new DomainError("NOT_FOUND", "That item does not exist.");
  if (before.kind !== "DIGITAL") throw new DomainError("BAD_REQUEST", "Only digital items carry a file.");

  const fileName = safeDownloadName(file.fileName);
  const stored = await fileStorage().put("store", file.bytes);
  let replacedKey: string | null;
  try {
    replacedKey = await withTransaction(pool, async (db) => {
      const item = await lockOwnedItem(db, owner, itemId);
      await setItemFile(db, itemId, { key: stored.key, fileName, mimeType: type.mimeType });
      await recordAudit(db, {
        actorId: owner.actorId,
        action: "store_item.file",
        target: { type: "store_item", id: itemId },
        details: { fileName, mimeType: type.mimeType, sizeBytes: stored.sizeBytes },
      });
      return item.storageKey;
    });
  } catch (error) {
    await fileStorage().remove(stored.key);
    throw error;
  }
  if (replacedKey) await fileStorage().remove(replacedKey);
  return { fileName, mimeType: type.mimeType, sizeBytes: stored.sizeBytes };
}
