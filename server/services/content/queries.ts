import "server-only";
/** Content's SQL: items with everything a viewer's access depends on, and the performer's locked own items. */
import { type Queryable } from "@/server/db/transaction";
import type { ContentKind, ContentStatus } from "@/server/domain/content-rules";
import { DomainError } from "@/server/domain/errors";
import type { ContentFileRole, Role } from "@/server/generated/prisma/enums";
import { MEMBERSHIP_GRANTS_ACCESS_SQL } from "../memberships/access";

// One statement answers "may this viewer see this item": the item, its performer's standing, its plan, the
// viewer's unlock and membership, and its teaser. Splitting it into Prisma reads would be five round trips per
// item and would read the membership rule at the app's clock instead of the database's.

export interface ItemRow {
  id: string;
  performer_id: string;
  kind: ContentKind;
  status: ContentStatus;
  title: string;
  description: string;
  teaser: string;
  body: string;
  price: string;
  plan_id: string | null;
  plan_name: string | null;
  members_only: boolean;
  username: string;
  stage_name: string | null;
  performer_visible: boolean;
  teaser_file_id: string | null;
  unlocked_at: Date | null;
  plan_access: boolean;
  updated_at: Date;
}

/**
 * Items with everything a viewer's access depends on. `$1` is the viewer's id (null when signed out); further
 * parameters belong to the caller's `where`. `columns` and `joins` add to the select.
 */
function itemQuery(where: string, extra: { columns?: string; joins?: string; orderBy?: string } = {}): string {
  return `
    SELECT i.id, i.performer_id, i.kind, i.status, i.title, i.description, i.teaser, i.body, i.price, i.plan_id,
           i.members_only, i.updated_at, p.name AS plan_name, u.username, pp.stage_name,
           (u.status = 'ACTIVE' AND pp.status IS NOT DISTINCT FROM 'APPROVED') AS performer_visible,
           teaser.id AS teaser_file_id, cu.created_at AS unlocked_at,
           (i.plan_id IS NOT NULL AND EXISTS (
              SELECT 1 FROM memberships m
               WHERE m.plan_id = i.plan_id AND m.member_id = $1::uuid AND ${MEMBERSHIP_GRANTS_ACCESS_SQL})) AS plan_access
           ${extra.columns ? `, ${extra.columns}` : ""}
      FROM content_items i
      JOIN users u ON u.id = i.performer_id
      LEFT JOIN performer_profiles pp ON pp.user_id = i.performer_id
      LEFT JOIN membership_plans p ON p.id = i.plan_id
      LEFT JOIN content_unlocks cu ON cu.item_id = i.id AND cu.member_id = $1::uuid
      LEFT JOIN LATERAL (
        SELECT f.id FROM content_files f WHERE f.item_id = i.id AND f.role = 'TEASER' ORDER BY f.sort_order, f.created_at LIMIT 1
      ) teaser ON true
      ${extra.joins ?? ""}
     WHERE ${where}
     ${extra.orderBy ? `ORDER BY ${extra.orderBy}` : ""}`;
}

/** One item as the viewer (null when signed out) would find it. */
export async function itemForViewer(db: Queryable, viewerId: string | null, itemId: string): Promise<ItemRow | undefined> {
  const { rows } = await db.query<ItemRow>(itemQuery("i.id = $2"), [viewerId, itemId]);
  return rows[0];
}

/** One item with the role of the user asking, which is null when the user does not exist. */
export async function itemWithUserRole(db: Queryable, userId: string, itemId: string): Promise<(ItemRow & { viewer_role: Role | null }) | undefined> {
  const { rows } = await db.query<ItemRow & { viewer_role: Role | null }>(
    itemQuery("i.id = $2", { columns: "(SELECT role FROM users WHERE id = $1::uuid) AS viewer_role" }),
    [userId, itemId],
  );
  return rows[0];
}

export type ItemOfFileRow = ItemRow & { file_storage_key: string; file_role: ContentFileRole; file_name: string; file_mime_type: string };

/** The file and the item it belongs to, as the viewer would find them. */
export async function itemOfFile(db: Queryable, viewerId: string | null, fileId: string): Promise<ItemOfFileRow | undefined> {
  const { rows } = await db.query<ItemOfFileRow>(
    itemQuery("f.id = $2", {
      columns: "f.storage_key AS file_storage_key, f.role AS file_role, f.file_name, f.mime_type AS file_mime_type",
      joins: "JOIN content_files f ON f.item_id = i.id",
    }),
    [viewerId, fileId],
  );
  return rows[0];
}

/** Each item's unlocks and the performer's share of them, as the sale postings recorded it. */
const SALES = {
  columns: "sales.sales_count, sales.earned",
  joins: `LEFT JOIN LATERAL (
    SELECT count(*)::int AS sales_count, coalesce(sum((t.metadata->>'performerShare')::bigint), 0)::text AS earned
      FROM content_unlocks s JOIN ledger_transactions t ON t.id = s.transaction_id
     WHERE s.item_id = i.id
  ) sales ON true`,
};

export type OwnItemRow = ItemRow & { sales_count: number; earned: string };

/** The performer's items (or the one named), drafts included, newest change first, with what each has sold. */
export async function ownItemsWithSales(db: Queryable, performerId: string, itemId?: string): Promise<OwnItemRow[]> {
  const { rows } = await db.query<OwnItemRow>(
    itemId === undefined
      ? itemQuery("i.performer_id = $1", { ...SALES, orderBy: "i.updated_at DESC, i.id" })
      : itemQuery("i.performer_id = $1 AND i.id = $2", SALES),
    itemId === undefined ? [performerId] : [performerId, itemId],
  );
  return rows;
}

/** What a performer (by username) has on sale, newest first, as the viewer would find it. */
export async function performerItemsOnSale(db: Queryable, viewerId: string | null, username: string): Promise<ItemRow[]> {
  const { rows } = await db.query<ItemRow>(
    itemQuery("u.username = lower($2) AND u.role = 'PERFORMER' AND i.status = 'PUBLISHED'", { orderBy: "i.created_at DESC, i.id" }),
    [viewerId, username],
  );
  return rows;
}

/** The member's unlocked items and the published items of plans that grant them access now, with what they paid. */
export async function libraryItems(db: Queryable, memberId: string): Promise<(ItemRow & { paid: string | null })[]> {
  const { rows } = await db.query<ItemRow & { paid: string | null }>(
    itemQuery(
      `cu.id IS NOT NULL
        OR (i.status = 'PUBLISHED' AND i.plan_id IN (
              SELECT m.plan_id FROM memberships m WHERE m.member_id = $1::uuid AND ${MEMBERSHIP_GRANTS_ACCESS_SQL}))`,
      { columns: "cu.price AS paid", orderBy: "coalesce(cu.created_at, i.updated_at) DESC, i.id" },
    ),
    [memberId],
  );
  return rows;
}

export type ItemForUnlockRow = ItemRow & { viewer_role: Role; buyer_email: string; buyer_name: string };

/** The item as the buyer finds it, with the buyer's role and contact for the receipt; none for an unknown buyer. */
export async function itemForUnlock(db: Queryable, memberId: string, itemId: string): Promise<ItemForUnlockRow | undefined> {
  const { rows } = await db.query<ItemForUnlockRow>(
    itemQuery("i.id = $2", {
      columns: "b.role AS viewer_role, b.email AS buyer_email, b.display_name AS buyer_name",
      joins: "JOIN users b ON b.id = $1::uuid",
    }),
    [memberId, itemId],
  );
  return rows[0];
}

/** The member's unlock of the item and the key of the posting that paid for it. */
export async function unlockOf(db: Queryable, itemId: string, memberId: string) {
  const { rows } = await db.query<{ transaction_id: string; price: string; idempotency_key: string }>(
    `SELECT u.transaction_id, u.price, t.idempotency_key FROM content_unlocks u JOIN ledger_transactions t ON t.id = u.transaction_id
      WHERE u.item_id = $1 AND u.member_id = $2`,
    [itemId, memberId],
  );
  return rows[0];
}

/** Refuses a plan the performer may not gate with: not theirs or the site's, or retired (unless already chosen). */
export async function assertPlanChoice(db: Queryable, performerId: string, planId: string | null, currentPlanId: string | null): Promise<void> {
  if (!planId) return;
  const { rows } = await db.query(
    "SELECT 1 FROM membership_plans WHERE id = $1 AND (performer_id = $2 OR performer_id IS NULL) AND (active OR id = $3::uuid)",
    [planId, performerId, currentPlanId],
  );
  if (rows.length === 0) {
    throw new DomainError("BAD_REQUEST", "Choose one of your membership plans.", { fieldErrors: { planId: ["Choose one of your membership plans."] } });
  }
}

/** The performer's own item, locked for the rest of the transaction; another performer's id is simply not found. */
export async function lockOwnItem(db: Queryable, performerId: string, itemId: string) {
  const { rows } = await db.query<{ id: string; kind: ContentKind; status: ContentStatus; body: string; plan_id: string | null }>(
    "SELECT id, kind, status, body, plan_id FROM content_items WHERE id = $1 AND performer_id = $2 FOR UPDATE",
    [itemId, performerId],
  );
  const item = rows[0];
  if (!item) throw new DomainError("NOT_FOUND", "You have no item with that id.");
  return item;
}

export async function ownItem(db: Queryable, performerId: string, itemId: string) {
  const { rows } = await db.query<{ id: string; kind: ContentKind }>("SELECT id, kind FROM content_items WHERE id = $1 AND performer_id = $2", [
    itemId,
    performerId,
  ]);
  const item = rows[0];
  if (!item) throw new DomainError("NOT_FOUND", "You have no item with that id.");
  return item;
}

/** How many files of the role the item has (under the caller's lock, when it holds one). */
export async function fileCount(db: Queryable, itemId: string, role: ContentFileRole): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM content_files WHERE item_id = $1 AND role = $2::\"ContentFileRole\"", [itemId, role]);
  return rows[0]?.n ?? 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Writes of the performer's own items and files, and of unlocks: each runs in the transaction that locked the item
// (or took the unlock's advisory lock), so its checks and its change stand together.

export interface ContentItemFields {
  title: string;
  description: string;
  teaser: string;
  body: string;
  price: bigint;
  planId: string | null;
  membersOnly: boolean;
}

export async function updateItemFields(db: Queryable, itemId: string, fields: ContentItemFields): Promise<void> {
  await db.query(
    `UPDATE content_items
          SET title = $2, description = $3, teaser = $4, body = $5, price = $6, plan_id = $7, members_only = $8, updated_at = now()
        WHERE id = $1`,
    [itemId, fields.title, fields.description, fields.teaser, fields.body, fields.price.toString(), fields.planId, fields.membersOnly],
  );
}

export async function updateItemStatus(db: Queryable, itemId: string, status: ContentStatus): Promise<void> {
  await db.query(`UPDATE content_items SET status = $2::"ContentStatus", updated_at = now() WHERE id = $1`, [itemId, status]);
}

/** Marks the item changed (a file added or removed). */
export async function touchItem(db: Queryable, itemId: string): Promise<void> {
  await db.query("UPDATE content_items SET updated_at = now() WHERE id = $1", [itemId]);
}

export async function hasUnlocks(db: Queryable, itemId: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM content_unlocks WHERE item_id = $1 LIMIT 1", [itemId]);
  return rows.length > 0;
}

/** Whether a room sells access through the item. */
export async function sellsRoomAccess(db: Queryable, itemId: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM rooms WHERE access_item_id = $1", [itemId]);
  return rows.length > 0;
}

/** Deletes the item's files' rows; the storage keys they named. */
export async function deleteItemFiles(db: Queryable, itemId: string): Promise<string[]> {
  const { rows } = await db.query<{ storage_key: string }>("DELETE FROM content_files WHERE item_id = $1 RETURNING storage_key", [itemId]);
  return rows.map((file) => file.storage_key);
}

export async function deleteItem(db: Queryable, itemId: string): Promise<void> {
  await db.query("DELETE FROM content_items WHERE id = $1", [itemId]);
}

/** Deletes the item's teaser row, if any; the storage keys it named. */
export async function deleteTeaserFiles(db: Queryable, itemId: string): Promise<string[]> {
  const { rows } = await db.query<{ storage_key: string }>("DELETE FROM content_files WHERE item_id = $1 AND role = 'TEASER' RETURNING storage_key", [itemId]);
  return rows.map((file) => file.storage_key);
}

export interface NewFileRow {
  itemId: string;
  role: ContentFileRole;
  storageKey: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
}

/** A file row after the item's others; its id. */
export async function insertFile(db: Queryable, file: NewFileRow): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO content_files (id, item_id, role, storage_key, file_name, mime_type, size_bytes, sort_order)
         VALUES (gen_random_uuid(), $1, $2::"ContentFileRole", $3, $4, $5, $6,
                 (SELECT coalesce(max(sort_order) + 1, 0) FROM content_files WHERE item_id = $1))
         RETURNING id`,
    [file.itemId, file.role, file.storageKey, file.fileName, file.mimeType, file.sizeBytes],
  );
  const inserted = rows[0];
  if (!inserted) throw new Error("content file insert returned no row");
  return inserted.id;
}

/** The performer's own file. */
export async function ownFile(db: Queryable, performerId: string, fileId: string): Promise<{ item_id: string; role: ContentFileRole; storage_key: string } | undefined> {
  const { rows } = await db.query<{ item_id: string; role: ContentFileRole; storage_key: string }>(
    `SELECT f.item_id, f.role, f.storage_key FROM content_files f JOIN content_items i ON i.id = f.item_id
        WHERE f.id = $1 AND i.performer_id = $2`,
    [fileId, performerId],
  );
  return rows[0];
}

export async function deleteFile(db: Queryable, fileId: string): Promise<void> {
  await db.query("DELETE FROM content_files WHERE id = $1", [fileId]);
}

/** The advisory lock that queues unlocks of one item by one member, as SQL of the item's and the member's ids. */
export const unlockLockSql = (itemId: string, memberId: string) =>
  `pg_advisory_xact_lock(hashtextextended('content-unlock:' || (${itemId})::uuid::text || ':' || (${memberId})::uuid::text, 0))`;

/** Queues unlocks of one item by one member until the transaction ends. */
export async function lockUnlock(db: Queryable, itemId: string, memberId: string): Promise<void> {
  await db.query(`SELECT ${unlockLockSql("$1", "$2")}`, [itemId, memberId]);
}

export async function insertUnlock(
  db: Queryable,
  unlock: { itemId: string; memberId: string; price: bigint; transactionId: bigint; walletTypeId: string },
): Promise<void> {
  await db.query(
    `INSERT INTO content_unlocks (id, item_id, member_id, price, transaction_id, wallet_type_id) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)`,
    [unlock.itemId, unlock.memberId, unlock.price.toString(), unlock.transactionId.toString(), unlock.walletTypeId],
  );
}
