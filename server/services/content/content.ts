import "server-only";
import { z } from "zod";
import { storableBigint } from "@/server/domain/storable";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import {
  type ContentAccess,
  type ContentFileRole,
  type ContentKind,
  type ContentStatus,
  CONTENT_FILE_ROLES,
  CONTENT_KINDS,
  CONTENT_STATUSES,
  MEMBERS_ONLY_NEEDS_PLAN,
  cleanFileName,
  contentAccess,
  contentFieldsSchema,
  formatByteSize,
  membersOnlyProblem,
  publishProblem,
  removalProblem,
  unlockRefusal,
  uploadProblem,
  uploadRule,
} from "@/server/domain/content-rules";
import { DomainError } from "@/server/domain/errors";
import { SNIFF_BYTES, declaredTypeMatches, sniffFileType } from "@/server/domain/file-type";
import type { Role } from "@/server/generated/prisma/enums";
import { fileStorage } from "@/server/integrations/storage";
import { env } from "@/server/env";
import { enqueue } from "@/server/outbox/messages";
import { formatCredits } from "@/server/domain/money";
import { MEMBERSHIP_GRANTS_ACCESS_SQL } from "../memberships/access";
import { contentReceiptEmail } from "./receipt-email";
import { findSellingPerformer, postSale } from "../sales/sales";

/**
 * Paid content: performers create items (a video, a set of pictures, a post, paid access to their room) with a
 * public teaser and protected files; members unlock an item once and keep it. Members of the plan an item is
 * gated by open it without paying. Files live in fileStorage() under opaque keys and leave only through
 * app/api/content/files/[fileId], which asks fileForViewer() first.
 */

export interface Viewer {
  id: string;
  role: Role;
}

const STORAGE_PREFIX = "content";

function contentFileUrl(fileId: string): string {
  return `/api/content/files/${fileId}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs

const itemIdSchema = z.uuid("That item does not exist.");

export const createContentSchema = contentFieldsSchema
  .extend({ kind: z.enum(CONTENT_KINDS, "Choose what kind of item this is.") })
  .refine((input) => membersOnlyProblem(input) === null, { message: MEMBERS_ONLY_NEEDS_PLAN, path: ["planId"] });
export type CreateContentInput = z.input<typeof createContentSchema>;

export const updateContentSchema = contentFieldsSchema
  .extend({ itemId: itemIdSchema })
  .refine((input) => membersOnlyProblem(input) === null, { message: MEMBERS_ONLY_NEEDS_PLAN, path: ["planId"] });
export type UpdateContentInput = z.input<typeof updateContentSchema>;

export const setContentStatusSchema = z.object({
  itemId: itemIdSchema,
  status: z.enum(CONTENT_STATUSES),
});

export const contentItemRefSchema = z.object({ itemId: itemIdSchema });
export const contentFileRefSchema = z.object({ fileId: z.uuid("That file does not exist.") });
export const performerContentSchema = z.object({ username: z.string().trim().min(1).max(64) });

export const unlockContentSchema = z.object({
  itemId: itemIdSchema,
  idempotencyKey: z.uuid(),
  /** The price the member saw and confirmed; a price changed meanwhile is refused rather than charged. */
  expectedPrice: storableBigint(z.bigint().nonnegative()).optional(),
});
export type UnlockContentInput = z.input<typeof unlockContentSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Views

export interface ContentFileView {
  id: string;
  role: ContentFileRole;
  fileName: string;
  mimeType: string;
  sizeBytes: bigint;
  url: string;
}

export interface PlanChoice {
  id: string;
  name: string;
  /** A site-wide plan rather than the performer's own fan club. */
  site: boolean;
}

/** A row of the performer's own list. */
export interface OwnContentSummary {
  id: string;
  kind: ContentKind;
  status: ContentStatus;
  title: string;
  price: bigint;
  planName: string | null;
  membersOnly: boolean;
  salesCount: number;
  /** The performer's share of every unlock, at the rate each sale used. */
  earned: bigint;
  teaserUrl: string | null;
  updatedAt: Date;
}

export interface OwnContentItem extends OwnContentSummary {
  description: string;
  teaser: string;
  body: string;
  planId: string | null;
  files: ContentFileView[];
  publishProblem: string | null;
}

/** An item as a visitor sees it in lists: the public part, and what the viewer may do with it. */
export interface ContentCard {
  id: string;
  kind: ContentKind;
  status: ContentStatus;
  title: string;
  teaser: string;
  price: bigint;
  teaserUrl: string | null;
  membersOnly: boolean;
  planName: string | null;
  performer: { id: string; username: string; stageName: string };
  /** Why the viewer may open the protected part, or null. */
  access: ContentAccess | null;
  unlockedAt: Date | null;
}

export interface ContentItemView extends ContentCard {
  description: string;
  /** The post's text: only with access. */
  body: string | null;
  /** The protected files: only with access. */
  files: ContentFileView[];
  /** Why the viewer cannot unlock it (already has it, members only, not on sale), or null when they can. */
  unlockRefusal: string | null;
}

interface ItemRow {
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

function accessOf(row: ItemRow, viewer: Viewer | null): ContentAccess | null {
  return contentAccess({
    isOwner: viewer?.id === row.performer_id,
    isAdmin: viewer?.role === "ADMIN",
    unlocked: row.unlocked_at !== null,
    planAccess: row.plan_access,
    status: row.status,
  });
}

function cardOf(row: ItemRow, viewer: Viewer | null): ContentCard {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    title: row.title,
    teaser: row.teaser,
    price: BigInt(row.price),
    teaserUrl: row.teaser_file_id ? contentFileUrl(row.teaser_file_id) : null,
    membersOnly: row.members_only,
    planName: row.plan_name,
    performer: { id: row.performer_id, username: row.username, stageName: row.stage_name ?? row.username },
    access: accessOf(row, viewer),
    unlockedAt: row.unlocked_at,
  };
}

/** Whether the viewer may see the item's page at all: on sale from a visible performer, or theirs to open. */
function visibleTo(row: ItemRow, viewer: Viewer | null): boolean {
  return (row.status === "PUBLISHED" && row.performer_visible) || accessOf(row, viewer) !== null;
}

interface FileRow {
  id: string;
  role: ContentFileRole;
  file_name: string;
  mime_type: string;
  size_bytes: string;
}

function fileViewOf(row: FileRow): ContentFileView {
  return {
    id: row.id,
    role: row.role,
    fileName: row.file_name,
    mimeType: row.mime_type,
    sizeBytes: BigInt(row.size_bytes),
    url: contentFileUrl(row.id),
  };
}

async function filesOf(db: Queryable, itemId: string, role?: ContentFileRole): Promise<ContentFileView[]> {
  const { rows } = await db.query<FileRow>(
    `SELECT id, role, file_name, mime_type, size_bytes FROM content_files
      WHERE item_id = $1 AND ($2::"ContentFileRole" IS NULL OR role = $2::"ContentFileRole")
      ORDER BY role, sort_order, created_at`,
    [itemId, role ?? null],
  );
  return rows.map(fileViewOf);
}

// ---------------------------------------------------------------------------------------------------------------
// Access

/**
 * Whether the user may open the item's protected part (or enter the room a ROOM_ACCESS item sells): its
 * performer, an admin, a member who unlocked it, or a member of its plan while it is on sale.
 */
export async function hasContentAccess(db: Queryable, itemId: string, userId: string): Promise<boolean> {
  const { rows } = await db.query<ItemRow & { viewer_role: Role | null }>(
    itemQuery("i.id = $2", { columns: "(SELECT role FROM users WHERE id = $1::uuid) AS viewer_role" }),
    [userId, itemId],
  );
  const row = rows[0];
  if (!row?.viewer_role) return false;
  return accessOf(row, { id: userId, role: row.viewer_role }) !== null;
}

export type FileForViewer =
  | { status: "ok"; storageKey: string; fileName: string; mimeType: string; protected: boolean }
  | { status: "forbidden" }
  | { status: "missing" };

/**
 * May the viewer download this file? A teaser is public while its item is on sale (and stays visible to those
 * with access); a protected file only with access. Signed-out viewers are simply viewers without access.
 */
export async function fileForViewer(viewer: Viewer | null, fileId: string): Promise<FileForViewer> {
  if (!z.uuid().safeParse(fileId).success) return { status: "missing" };
  const { rows } = await pool.query<ItemRow & { file_storage_key: string; file_role: ContentFileRole; file_name: string; file_mime_type: string }>(
    itemQuery("f.id = $2", {
      columns: "f.storage_key AS file_storage_key, f.role AS file_role, f.file_name, f.mime_type AS file_mime_type",
      joins: "JOIN content_files f ON f.item_id = i.id",
    }),
    [viewer?.id ?? null, fileId],
  );
  const row = rows[0];
  if (!row) return { status: "missing" };
  const allowed = row.file_role === "TEASER" ? visibleTo(row, viewer) : accessOf(row, viewer) !== null;
  if (!allowed) return { status: "forbidden" };
  return {
    status: "ok",
    storageKey: row.file_storage_key,
    fileName: row.file_name,
    mimeType: row.file_mime_type,
    protected: row.file_role === "PROTECTED",
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The performer's side

async function checkPlan(db: Queryable, performerId: string, planId: string | null, currentPlanId: string | null): Promise<void> {
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
async function lockOwnItem(db: Queryable, performerId: string, itemId: string) {
  const { rows } = await db.query<{ id: string; kind: ContentKind; status: ContentStatus; body: string; plan_id: string | null }>(
    "SELECT id, kind, status, body, plan_id FROM content_items WHERE id = $1 AND performer_id = $2 FOR UPDATE",
    [itemId, performerId],
  );
  const item = rows[0];
  if (!item) throw new DomainError("NOT_FOUND", "You have no item with that id.");
  return item;
}

async function protectedFileCount(db: Queryable, itemId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM content_files WHERE item_id = $1 AND role = 'PROTECTED'", [itemId]);
  return rows[0]?.n ?? 0;
}

export async function createContentItem(performerId: string, input: CreateContentInput): Promise<{ id: string }> {
  const fields = createContentSchema.parse(input);
  return withTransaction(pool, async (db) => {
    await checkPlan(db, performerId, fields.planId, null);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO content_items (id, performer_id, kind, title, description, teaser, body, price, plan_id, members_only, updated_at)
       VALUES (gen_random_uuid(), $1, $2::"ContentKind", $3, $4, $5, $6, $7, $8, $9, now())
       RETURNING id`,
      [
        performerId,
        fields.kind,
        fields.title,
        fields.description,
        fields.teaser,
        fields.kind === "POST" ? fields.body : "",
        fields.price.toString(),
        fields.planId,
        fields.membersOnly,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error("content item insert returned no row");
    return { id: row.id };
  });
}

export async function updateContentItem(performerId: string, input: UpdateContentInput): Promise<void> {
  const fields = updateContentSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const item = await lockOwnItem(db, performerId, fields.itemId);
    await checkPlan(db, performerId, fields.planId, item.plan_id);
    const body = item.kind === "POST" ? fields.body : "";
    if (item.status === "PUBLISHED") {
      const problem = publishProblem({ kind: item.kind, body, protectedFiles: await protectedFileCount(db, item.id) });
      if (problem) throw new DomainError("PRECONDITION_FAILED", problem, { fieldErrors: { body: [problem] } });
    }
    await db.query(
      `UPDATE content_items
          SET title = $2, description = $3, teaser = $4, body = $5, price = $6, plan_id = $7, members_only = $8, updated_at = now()
        WHERE id = $1`,
      [item.id, fields.title, fields.description, fields.teaser, body, fields.price.toString(), fields.planId, fields.membersOnly],
    );
  });
}

export async function setContentStatus(performerId: string, input: z.input<typeof setContentStatusSchema>): Promise<void> {
  const { itemId: id, status } = setContentStatusSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const item = await lockOwnItem(db, performerId, id);
    if (status === "PUBLISHED") {
      const problem = publishProblem({ kind: item.kind, body: item.body, protectedFiles: await protectedFileCount(db, item.id) });
      if (problem) throw new DomainError("PRECONDITION_FAILED", problem);
    }
    await db.query(`UPDATE content_items SET status = $2::"ContentStatus", updated_at = now() WHERE id = $1`, [item.id, status]);
  });
}

/** Only an item nobody bought and no room sells can go; a sold one is archived instead, so buyers keep it. */
export async function deleteContentItem(performerId: string, input: z.input<typeof contentItemRefSchema>): Promise<void> {
  const { itemId: id } = contentItemRefSchema.parse(input);
  const keys = await withTransaction(pool, async (db) => {
    const item = await lockOwnItem(db, performerId, id);
    const { rows: sold } = await db.query("SELECT 1 FROM content_unlocks WHERE item_id = $1 LIMIT 1", [item.id]);
    if (sold.length > 0) throw new DomainError("CONFLICT", "Members have unlocked this item, so it stays for them; archive it instead.");
    const { rows: rooms } = await db.query("SELECT 1 FROM rooms WHERE access_item_id = $1", [item.id]);
    if (rooms.length > 0) throw new DomainError("CONFLICT", "Your room sells access through this item; change the room's access first.");
    const { rows: files } = await db.query<{ storage_key: string }>("DELETE FROM content_files WHERE item_id = $1 RETURNING storage_key", [item.id]);
    await db.query("DELETE FROM content_items WHERE id = $1", [item.id]);
    return files.map((file) => file.storage_key);
  });
  await removeStoredFiles(keys);
}

/** After the rows are gone: a file left behind by a failed removal is unreachable (no row names it), never served. */
async function removeStoredFiles(keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    await fileStorage()
      .remove(key)
      .catch((error: unknown) => console.error(`content file ${key} not removed from storage`, error));
  }
}

export interface NewContentFile {
  itemId: string;
  /** TEASER or PROTECTED, as the upload form sent it; checked here. */
  role: string;
  fileName: string;
  /** The type the uploader claimed (the browser's File.type); it must agree with the bytes. */
  declaredType: string;
  data: Uint8Array;
}

const newFileSchema = z.object({
  itemId: itemIdSchema,
  role: z.enum(CONTENT_FILE_ROLES, "Say whether the file is the teaser or protected content."),
});

/** Refusals of an upload that the upload route answers with a specific HTTP status. */
export const UPLOAD_TOO_LARGE = "upload_too_large";
export const UPLOAD_UNSUPPORTED_TYPE = "upload_unsupported_type";

export function uploadLimitMessage(): string {
  return `A file may be at most ${formatByteSize(env.MAX_UPLOAD_BYTES)}.`;
}

/**
 * Adds a file to the performer's own item. The bytes decide the type (never the name or the declared type); the
 * file is stored first and its row written after, so a row never names a missing file. A new teaser replaces
 * the old one.
 */
export async function addContentFile(performerId: string, upload: NewContentFile): Promise<ContentFileView> {
  const { itemId: id, role } = newFileSchema.parse({ itemId: upload.itemId, role: upload.role });
  if (upload.data.byteLength === 0) throw new DomainError("BAD_REQUEST", "The file is empty.");
  if (upload.data.byteLength > env.MAX_UPLOAD_BYTES) throw new DomainError("BAD_REQUEST", uploadLimitMessage(), { reason: UPLOAD_TOO_LARGE });
  const sniffed = sniffFileType(upload.data.subarray(0, SNIFF_BYTES));
  if (!sniffed) {
    throw new DomainError("BAD_REQUEST", "This file is not a supported video (MP4, WebM) or image (JPEG, PNG, GIF, WebP).", { reason: UPLOAD_UNSUPPORTED_TYPE });
  }
  if (!declaredTypeMatches(upload.declaredType, sniffed)) {
    throw new DomainError("BAD_REQUEST", `The file says it is ${upload.declaredType} but its contents are ${sniffed.mimeType}.`, { reason: UPLOAD_UNSUPPORTED_TYPE });
  }
  const fileName = cleanFileName(upload.fileName);

  const checkSlot = async (db: Queryable, lock: boolean) => {
    const item = lock ? await lockOwnItem(db, performerId, id) : await ownItem(db, performerId, id);
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM content_files WHERE item_id = $1 AND role = $2::\"ContentFileRole\"", [id, role]);
    const problem = uploadProblem(item.kind, role, sniffed.kind, rows[0]?.n ?? 0);
    if (!problem) return;
    if (!uploadRule(item.kind, role).accepts.includes(sniffed.kind)) throw new DomainError("BAD_REQUEST", problem, { reason: UPLOAD_UNSUPPORTED_TYPE });
    throw new DomainError("CONFLICT", problem);
  };
  // Checked before the bytes are written, so a refused upload costs no disk; checked again under the lock.
  await checkSlot(pool, false);

  const stored = await fileStorage().put(STORAGE_PREFIX, upload.data);
  let saved: { row: FileRow; replaced: string[] };
  try {
    saved = await withTransaction(pool, async (db) => {
      await checkSlot(db, true);
      const { rows: old } =
        role === "TEASER"
          ? await db.query<{ storage_key: string }>("DELETE FROM content_files WHERE item_id = $1 AND role = 'TEASER' RETURNING storage_key", [id])
          : { rows: [] };
      const { rows } = await db.query<FileRow>(
        `INSERT INTO content_files (id, item_id, role, storage_key, file_name, mime_type, size_bytes, sort_order)
         VALUES (gen_random_uuid(), $1, $2::"ContentFileRole", $3, $4, $5, $6,
                 (SELECT coalesce(max(sort_order) + 1, 0) FROM content_files WHERE item_id = $1))
         RETURNING id, role, file_name, mime_type, size_bytes`,
        [id, role, stored.key, fileName, sniffed.mimeType, stored.sizeBytes],
      );
      await db.query("UPDATE content_items SET updated_at = now() WHERE id = $1", [id]);
      const inserted = rows[0];
      if (!inserted) throw new Error("content file insert returned no row");
      return { row: inserted, replaced: old.map((file) => file.storage_key) };
    });
  } catch (error) {
    // No row names the stored bytes, so they go.
    await removeStoredFiles([stored.key]);
    throw error;
  }
  await removeStoredFiles(saved.replaced);
  return fileViewOf(saved.row);
}

async function ownItem(db: Queryable, performerId: string, itemId: string) {
  const { rows } = await db.query<{ id: string; kind: ContentKind }>("SELECT id, kind FROM content_items WHERE id = $1 AND performer_id = $2", [
    itemId,
    performerId,
  ]);
  const item = rows[0];
  if (!item) throw new DomainError("NOT_FOUND", "You have no item with that id.");
  return item;
}

/** Removes the row, then the stored bytes. */
export async function deleteContentFile(performerId: string, input: z.input<typeof contentFileRefSchema>): Promise<void> {
  const { fileId } = contentFileRefSchema.parse(input);
  const key = await withTransaction(pool, async (db) => {
    const { rows } = await db.query<{ item_id: string; role: ContentFileRole; storage_key: string }>(
      `SELECT f.item_id, f.role, f.storage_key FROM content_files f JOIN content_items i ON i.id = f.item_id
        WHERE f.id = $1 AND i.performer_id = $2`,
      [fileId, performerId],
    );
    const file = rows[0];
    if (!file) throw new DomainError("NOT_FOUND", "You have no file with that id.");
    const item = await lockOwnItem(db, performerId, file.item_id);
    if (file.role === "PROTECTED") {
      const problem = removalProblem({ kind: item.kind, status: item.status, protectedFiles: await protectedFileCount(db, item.id) });
      if (problem) throw new DomainError("PRECONDITION_FAILED", problem);
    }
    await db.query("DELETE FROM content_files WHERE id = $1", [fileId]);
    await db.query("UPDATE content_items SET updated_at = now() WHERE id = $1", [item.id]);
    return file.storage_key;
  });
  await removeStoredFiles([key]);
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

type OwnRow = ItemRow & { sales_count: number; earned: string };

function ownSummaryOf(row: OwnRow): OwnContentSummary {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    title: row.title,
    price: BigInt(row.price),
    planName: row.plan_name,
    membersOnly: row.members_only,
    salesCount: row.sales_count,
    earned: BigInt(row.earned),
    teaserUrl: row.teaser_file_id ? contentFileUrl(row.teaser_file_id) : null,
    updatedAt: row.updated_at,
  };
}

/** The performer's items, drafts included, newest change first, with what each has sold. */
export async function listOwnContent(performerId: string): Promise<OwnContentSummary[]> {
  const { rows } = await pool.query<OwnRow>(
    itemQuery("i.performer_id = $1", { ...SALES, orderBy: "i.updated_at DESC, i.id" }),
    [performerId],
  );
  return rows.map(ownSummaryOf);
}

export async function getOwnContentItem(performerId: string, input: z.input<typeof contentItemRefSchema>): Promise<OwnContentItem> {
  const { itemId: id } = contentItemRefSchema.parse(input);
  const { rows } = await pool.query<OwnRow>(
    itemQuery("i.performer_id = $1 AND i.id = $2", SALES),
    [performerId, id],
  );
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "You have no item with that id.");
  const files = await filesOf(pool, row.id);
  return {
    ...ownSummaryOf(row),
    description: row.description,
    teaser: row.teaser,
    body: row.body,
    planId: row.plan_id,
    files,
    publishProblem: publishProblem({ kind: row.kind, body: row.body, protectedFiles: files.filter((file) => file.role === "PROTECTED").length }),
  };
}

/** The plans a performer may gate content with: their own and the site's, active ones. */
export async function listPlanChoices(performerId: string): Promise<PlanChoice[]> {
  const { rows } = await pool.query<{ id: string; name: string; site: boolean }>(
    `SELECT id, name, performer_id IS NULL AS site FROM membership_plans
      WHERE active AND (performer_id = $1 OR performer_id IS NULL)
      ORDER BY performer_id IS NULL, name`,
    [performerId],
  );
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// The member's side

/** What a performer has on sale, newest first, with the viewer's access to each. */
export async function listPerformerContent(viewer: Viewer | null, input: z.input<typeof performerContentSchema>): Promise<ContentCard[]> {
  const { username } = performerContentSchema.parse(input);
  const { rows } = await pool.query<ItemRow>(
    itemQuery("u.username = lower($2) AND u.role = 'PERFORMER' AND i.status = 'PUBLISHED'", { orderBy: "i.created_at DESC, i.id" }),
    [viewer?.id ?? null, username],
  );
  return rows.filter((row) => visibleTo(row, viewer)).map((row) => cardOf(row, viewer));
}

export async function getContentItem(viewer: Viewer | null, input: z.input<typeof contentItemRefSchema>): Promise<ContentItemView> {
  const { itemId: id } = contentItemRefSchema.parse(input);
  const { rows } = await pool.query<ItemRow>(itemQuery("i.id = $2"), [viewer?.id ?? null, id]);
  const row = rows[0];
  if (!row || !visibleTo(row, viewer)) throw new DomainError("NOT_FOUND", "This item does not exist or is not on sale.");
  const card = cardOf(row, viewer);
  const refusal = unlockRefusal({
    isOwner: viewer?.id === row.performer_id,
    isAdmin: viewer?.role === "ADMIN",
    unlocked: row.unlocked_at !== null,
    planAccess: row.plan_access,
    status: row.status,
    title: row.title,
    membersOnly: row.members_only,
    planName: row.plan_name,
  });
  return {
    ...card,
    description: row.description,
    body: card.access ? row.body : null,
    files: card.access ? await filesOf(pool, row.id, "PROTECTED") : [],
    unlockRefusal: refusal?.message ?? null,
  };
}

export interface UnlockResult {
  itemId: string;
  transactionId: bigint;
  replayed: boolean;
  price: bigint;
  title: string;
  stageName: string;
}

/**
 * A member unlocks an item: one CONTENT sale and the content_unlocks row in one transaction. Unlocks of the same
 * item by the same member queue on an advisory lock, so the later one sees the first: the same key gets the first
 * result back, another key is refused and charged nothing. A retry is answered even if the item has since left
 * sale. The receipt and the wallet updates are written to the outbox with the unlock, once.
 */
export async function unlockContent(memberId: string, input: UnlockContentInput): Promise<UnlockResult> {
  const { itemId: id, idempotencyKey, expectedPrice } = unlockContentSchema.parse(input);
  const ledgerKey = `content:${memberId}:${idempotencyKey}`;

  const outcome = await withTransaction(pool, async (db) => {
    await db.query("SELECT pg_advisory_xact_lock(hashtextextended('content-unlock:' || $1 || ':' || $2, 0))", [id, memberId]);
    const { rows } = await db.query<ItemRow & { viewer_role: Role; buyer_email: string; buyer_name: string }>(
      itemQuery("i.id = $2", {
        columns: "b.role AS viewer_role, b.email AS buyer_email, b.display_name AS buyer_name",
        joins: "JOIN users b ON b.id = $1::uuid",
      }),
      [memberId, id],
    );
    const item = rows[0];
    const viewer: Viewer | null = item ? { id: memberId, role: item.viewer_role } : null;
    // A suspended performer's item is found here and refused by findSellingPerformer, with the reason.
    if (!item || !viewer || (item.status !== "PUBLISHED" && accessOf(item, viewer) === null)) {
      throw new DomainError("NOT_FOUND", "This item does not exist or is not on sale.");
    }

    if (item.unlocked_at) {
      const { rows: first } = await db.query<{ transaction_id: string; price: string; idempotency_key: string }>(
        `SELECT u.transaction_id, u.price, t.idempotency_key FROM content_unlocks u JOIN ledger_transactions t ON t.id = u.transaction_id
          WHERE u.item_id = $1 AND u.member_id = $2`,
        [id, memberId],
      );
      const unlock = first[0];
      if (unlock?.idempotency_key === ledgerKey) {
        return { item, replayed: true as const, transactionId: BigInt(unlock.transaction_id), price: BigInt(unlock.price) };
      }
    }
    const refusal = unlockRefusal({
      isOwner: item.performer_id === memberId,
      isAdmin: viewer.role === "ADMIN",
      unlocked: item.unlocked_at !== null,
      planAccess: item.plan_access,
      status: item.status,
      title: item.title,
      membersOnly: item.members_only,
      planName: item.plan_name,
    });
    if (refusal) throw new DomainError(refusal.code, refusal.message);

    const performer = await findSellingPerformer(db, { performerId: item.performer_id });
    const price = BigInt(item.price);
    if (expectedPrice !== undefined && expectedPrice !== price) {
      throw new DomainError("CONFLICT", `The price changed: “${item.title}” now costs ${formatCredits(price)} credits. Review it and try again.`);
    }
    const sale = await postSale(db, {
      kind: "CONTENT_UNLOCK",
      saleKind: "CONTENT",
      buyerId: memberId,
      performerId: performer.id,
      amount: price,
      idempotencyKey: ledgerKey,
      request: { itemId: id, price },
      description: `Unlocked “${item.title}” from ${performer.stageName}`,
      metadata: { itemId: id, title: item.title, stageName: performer.stageName },
    });
    // Unreachable while every unlock posting writes its row in this same transaction (the replay returned above);
    // refused rather than recording a second unlock on one posting.
    if (sale.replayed) throw new DomainError("CONFLICT", "This request was already made with different details.");
    await db.query(
      `INSERT INTO content_unlocks (id, item_id, member_id, price, transaction_id) VALUES (gen_random_uuid(), $1, $2, $3, $4)`,
      [id, memberId, price.toString(), sale.transactionId.toString()],
    );
    const about = `content-unlock:${sale.transactionId}`;
    await enqueue(db, [
      { key: `${about}:wallet:${memberId}`, kind: "wallet-update", userId: memberId },
      { key: `${about}:wallet:${performer.id}`, kind: "wallet-update", userId: performer.id },
      {
        key: `${about}:receipt`,
        kind: "email",
        email: contentReceiptEmail({
          to: item.buyer_email,
          buyerName: item.buyer_name,
          itemId: id,
          title: item.title,
          stageName: performer.stageName,
          price,
          transactionId: sale.transactionId,
          at: new Date(),
          appUrl: env.APP_URL,
        }),
      },
    ]);
    return {
      item,
      replayed: false as const,
      transactionId: sale.transactionId,
      price,
      stageName: performer.stageName,
    };
  });

  const stageName = outcome.replayed ? (outcome.item.stage_name ?? outcome.item.username) : outcome.stageName;
  return { itemId: id, transactionId: outcome.transactionId, replayed: outcome.replayed, price: outcome.price, title: outcome.item.title, stageName };
}

export interface LibraryEntry extends ContentCard {
  /** Bought, or included in one of the member's memberships. */
  via: "unlock" | "membership";
  paid: bigint | null;
}

/** What the member can open: everything they unlocked, and the items their memberships include now. */
export async function listLibrary(member: Viewer): Promise<LibraryEntry[]> {
  const { rows } = await pool.query<ItemRow & { paid: string | null }>(
    itemQuery(
      `cu.id IS NOT NULL
        OR (i.status = 'PUBLISHED' AND i.plan_id IN (
              SELECT m.plan_id FROM memberships m WHERE m.member_id = $1::uuid AND ${MEMBERSHIP_GRANTS_ACCESS_SQL}))`,
      { columns: "cu.price AS paid", orderBy: "coalesce(cu.created_at, i.updated_at) DESC, i.id" },
    ),
    [member.id],
  );
  return rows
    .map((row) => ({ row, card: cardOf(row, member) }))
    .filter(({ card }) => card.access === "unlocked" || card.access === "membership")
    .map(({ row, card }) => ({ ...card, via: card.access === "unlocked" ? ("unlock" as const) : ("membership" as const), paid: row.paid === null ? null : BigInt(row.paid) }));
}
