import { refuse, routeHandler } from "@/server/api/route-handler";
import { readBoundedForm } from "@/server/integrations/bounded-form";
import { attachItemFile, itemOwnerFor, maxStoreFileBytes } from "@/server/services/store";

export const dynamic = "force-dynamic";

function tooLarge(): Response {
  return refuse(413, `The file is larger than ${Math.floor(maxStoreFileBytes() / 1024 / 1024)} MB.`);
}

/**
 * Uploads the file of a digital store item (multipart/form-data with `file`): a performer's own item, or a site
 * item for an admin. Answers 201 with the stored file's name, type and size, or an error the form shows as it is
 * (413 too large, 400 not an accepted type, 404 not your item).
 */
export const POST = routeHandler<{ itemId: string }>(
  { who: "signed-in", roles: ["PERFORMER", "ADMIN"], signInMessage: "Sign in to upload files.", roleMessage: "Only sellers can upload store files." },
  async (request, { params, user }) => {
    const read = await readBoundedForm(request, maxStoreFileBytes());
    if (!read.ok && read.reason === "too-large") return tooLarge();
    const form = read.ok ? read.form : null;
    const file = form?.get("file");
    if (!form || !(file instanceof File)) return refuse(400, "Choose a file to upload.");
    if (file.size > maxStoreFileBytes()) return tooLarge();

    if (!/^[0-9a-f-]{36}$/i.test(params.itemId)) return refuse(404, "That item does not exist.");
    const saved = await attachItemFile(itemOwnerFor(user), params.itemId, {
      bytes: new Uint8Array(await file.arrayBuffer()),
      fileName: file.name,
      declaredType: file.type,
    });
    return Response.json({ file: saved }, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
);
