import { refuse, routeHandler } from "@/server/api/route-handler";
import { env } from "@/server/env";
import { readBoundedForm } from "@/server/integrations/bounded-form";
import { UPLOAD_TOO_LARGE, UPLOAD_UNSUPPORTED_TYPE, addContentFile, uploadLimitMessage } from "@/server/services/content";

export const dynamic = "force-dynamic";

const UPLOAD_STATUS: Record<string, number> = { [UPLOAD_TOO_LARGE]: 413, [UPLOAD_UNSUPPORTED_TYPE]: 415 };

/**
 * Adds a teaser image or a protected file to one of the signed-in performer's items: multipart/form-data with
 * `file` and `role` (TEASER or PROTECTED). Answers 201 with the file, or an error whose message the upload form
 * shows as it is (413 too large, 415 not an accepted type, 404 not your item).
 */
export const POST = routeHandler<{ itemId: string }>(
  {
    who: "signed-in",
    roles: ["PERFORMER"],
    signInMessage: "Sign in to upload files.",
    roleMessage: "Only performers can upload content.",
    statusOf: (error) => UPLOAD_STATUS[String(error.details?.reason)],
  },
  async (request, { params, user }) => {
    const read = await readBoundedForm(request, env.MAX_UPLOAD_BYTES);
    if (!read.ok && read.reason === "too-large") return refuse(413, uploadLimitMessage());
    const form = read.ok ? read.form : null;
    const file = form?.get("file");
    if (!form || !(file instanceof File)) return refuse(400, "Choose a file to upload.");
    if (file.size > env.MAX_UPLOAD_BYTES) return refuse(413, uploadLimitMessage());

    const saved = await addContentFile(user.id, {
      itemId: params.itemId,
      role: String(form.get("role") ?? ""),
      fileName: file.name,
      declaredType: file.type,
      data: new Uint8Array(await file.arrayBuffer()),
    });
    return Response.json({ file: { ...saved, sizeBytes: saved.sizeBytes.toString() } }, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
);
