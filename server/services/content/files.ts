import "server-only";
/** The performer's uploads: teaser and protected files of their items, checked by their bytes, and their removal. */
import { z } from "zod";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { CONTENT_FILE_ROLES, cleanFileName, formatByteSize, removalProblem, uploadProblem, uploadRule } from "@/server/domain/content-rules";
import { DomainError } from "@/server/domain/errors";
import { SNIFF_BYTES, declaredTypeMatches, sniffFileType } from "@/server/domain/file-type";
import { fileStorage } from "@/server/integrations/storage";
import { env } from "@/server/env";
import { contentFileRefSchema, itemIdSchema } from "./inputs";
import { deleteFile, deleteTeaserFiles, fileCount, insertFile, lockOwnItem, ownFile, ownItem, touchItem } from "./queries";
import { type ContentFileView, fileViewOf } from "./views";

/** Files live in fileStorage() under opaque keys with this prefix. */
const STORAGE_PREFIX = "content";

/** After the rows are gone: a file left behind by a failed removal is unreachable (no row names it), never served. */
export async function removeStoredFiles(keys: readonly string[]): Promise<void> {
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
    const problem = uploadProblem(item.kind, role, sniffed.kind, await fileCount(db, id, role));
    if (!problem) return;
    if (!uploadRule(item.kind, role).accepts.includes(sniffed.kind)) throw new DomainError("BAD_REQUEST", problem, { reason: UPLOAD_UNSUPPORTED_TYPE });
    throw new DomainError("CONFLICT", problem);
  };
  // Checked before the bytes are written, so a refused upload costs no disk; checked again under the lock.
  await checkSlot(pool, false);

  const stored = await fileStorage().put(STORAGE_PREFIX, upload.data);
  let saved: { id: string; replaced: string[] };
  try {
    saved = await withTransaction(pool, async (db) => {
      await checkSlot(db, true);
      const replaced = role === "TEASER" ? await deleteTeaserFiles(db, id) : [];
      const fileId = await insertFile(db, { itemId: id, role, storageKey: stored.key, fileName, mimeType: sniffed.mimeType, sizeBytes: stored.sizeBytes });
      await touchItem(db, id);
      return { id: fileId, replaced };
    });
  } catch (error) {
    // No row names the stored bytes, so they go.
    await removeStoredFiles([stored.key]);
    throw error;
  }
  await removeStoredFiles(saved.replaced);
  return fileViewOf({ id: saved.id, role, fileName, mimeType: sniffed.mimeType, sizeBytes: BigInt(stored.sizeBytes) });
}

/** Removes the row, then the stored bytes. */
export async function deleteContentFile(performerId: string, input: z.input<typeof contentFileRefSchema>): Promise<void> {
  const { fileId } = contentFileRefSchema.parse(input);
  const key = await withTransaction(pool, async (db) => {
    const file = await ownFile(db, performerId, fileId);
    if (!file) throw new DomainError("NOT_FOUND", "You have no file with that id.");
    const item = await lockOwnItem(db, performerId, file.item_id);
    if (file.role === "PROTECTED") {
      const problem = removalProblem({ kind: item.kind, status: item.status, protectedFiles: await fileCount(db, item.id, "PROTECTED") });
      if (problem) throw new DomainError("PRECONDITION_FAILED", problem);
    }
    await deleteFile(db, fileId);
    await touchItem(db, item.id);
    return file.storage_key;
  });
  await removeStoredFiles([key]);
}
