import type { NextRequest } from "next/server";
import { ZodError } from "zod";
import { INTERNAL_ERROR_MESSAGE } from "@/server/api/errors";
import { resolveSession } from "@/server/auth/session-token";
import { type DomainError, isDomainError } from "@/server/domain/errors";
import { env } from "@/server/env";
import { UPLOAD_TOO_LARGE, UPLOAD_UNSUPPORTED_TYPE, addContentFile, uploadLimitMessage } from "@/server/services/content";
import { readBoundedForm } from "@/server/integrations/bounded-form";

export const dynamic = "force-dynamic";

function refuse(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

function statusOf(error: DomainError): number {
  const reason = error.details?.reason;
  if (reason === UPLOAD_TOO_LARGE) return 413;
  if (reason === UPLOAD_UNSUPPORTED_TYPE) return 415;
  switch (error.code) {
    case "UNAUTHORIZED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
    case "PRECONDITION_FAILED":
      return 409;
    default:
      return 400;
  }
}

/**
 * Adds a teaser image or a protected file to one of the signed-in performer's items: multipart/form-data with
 * `file` and `role` (TEASER or PROTECTED). Answers 201 with the file, or an error whose message the upload form
 * shows as it is (413 too large, 415 not an accepted type, 404 not your item).
 */
export async function POST(request: NextRequest, { params }: { params: Promise<{ itemId: string }> }): Promise<Response> {
  const session = await resolveSession(request.cookies);
  if (session.status !== "active") return refuse(401, "Sign in to upload files.");
  if (session.user.role !== "PERFORMER") return refuse(403, "Only performers can upload content.");
  const read = await readBoundedForm(request, env.MAX_UPLOAD_BYTES);
  if (!read.ok && read.reason === "too-large") return refuse(413, uploadLimitMessage());
  const form = read.ok ? read.form : null;
  const file = form?.get("file");
  if (!form || !(file instanceof File)) return refuse(400, "Choose a file to upload.");
  if (file.size > env.MAX_UPLOAD_BYTES) return refuse(413, uploadLimitMessage());

  try {
    const saved = await addContentFile(session.user.id, {
      itemId: (await params).itemId,
      role: String(form.get("role") ?? ""),
      fileName: file.name,
      declaredType: file.type,
      data: new Uint8Array(await file.arrayBuffer()),
    });
    return Response.json({ file: { ...saved, sizeBytes: saved.sizeBytes.toString() } }, { status: 201, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isDomainError(error)) return refuse(statusOf(error), error.message);
    if (error instanceof ZodError) return refuse(400, error.issues[0]?.message ?? "Some fields need attention.");
    console.error("content upload failed", error);
    return refuse(500, INTERNAL_ERROR_MESSAGE);
  }
}
