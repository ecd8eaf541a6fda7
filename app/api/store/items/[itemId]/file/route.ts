import type { NextRequest } from "next/server";
import { INTERNAL_ERROR_MESSAGE } from "@/server/api/errors";
import { resolveSession } from "@/server/auth/session-token";
import { type DomainError, isDomainError } from "@/server/domain/errors";
import { attachItemFile, itemOwnerFor, maxStoreFileBytes } from "@/server/services/store-items";
import { readBoundedForm } from "@/server/integrations/bounded-form";

export const dynamic = "force-dynamic";

function refuse(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

function tooLarge(): Response {
  return refuse(413, `The file is larger than ${Math.floor(maxStoreFileBytes() / 1024 / 1024)} MB.`);
}

function statusOf(error: DomainError): number {
  switch (error.code) {
    case "UNAUTHORIZED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    default:
      return 400;
  }
}

/**
 * Uploads the file of a digital store item (multipart/form-data with `file`): a performer's own item, or a site
 * item for an admin. Answers 201 with the stored file's name, type and size, or an error the form shows as it is
 * (413 too large, 400 not an accepted type, 404 not your item).
 */
export async function POST(request: NextRequest, { params }: { params: Promise<{ itemId: string }> }): Promise<Response> {
  const session = await resolveSession(request.cookies);
  if (session.status !== "active") return refuse(401, "Sign in to upload files.");
  if (session.user.role !== "PERFORMER" && session.user.role !== "ADMIN") return refuse(403, "Only sellers can upload store files.");
  const read = await readBoundedForm(request, maxStoreFileBytes());
  if (!read.ok && read.reason === "too-large") return tooLarge();
  const form = read.ok ? read.form : null;
  const file = form?.get("file");
  if (!form || !(file instanceof File)) return refuse(400, "Choose a file to upload.");
  if (file.size > maxStoreFileBytes()) return tooLarge();

  const { itemId } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(itemId)) return refuse(404, "That item does not exist.");
  try {
    const saved = await attachItemFile(itemOwnerFor(session.user), itemId, {
      bytes: new Uint8Array(await file.arrayBuffer()),
      fileName: file.name,
      declaredType: file.type,
    });
    return Response.json({ file: saved }, { status: 201, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isDomainError(error)) return refuse(statusOf(error), error.message);
    console.error("store file upload failed", error);
    return refuse(500, INTERNAL_ERROR_MESSAGE);
  }
}
