import "server-only";
/** Who may open an item's protected part or download one of its files. */
import { z } from "zod";
import { pool } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import { itemOfFile, itemWithUserRole } from "./queries";
import { type Viewer, accessOf, visibleTo } from "./views";

/**
 * Whether the user may open the item's protected part (or enter the room a ROOM_ACCESS item sells): its
 * performer, an admin, a member who unlocked it, or a member of its plan while it is on sale.
 */
export async function hasContentAccess(db: Queryable, itemId: string, userId: string): Promise<boolean> {
  const row = await itemWithUserRole(db, userId, itemId);
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
  const row = await itemOfFile(pool, viewer?.id ?? null, fileId);
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
