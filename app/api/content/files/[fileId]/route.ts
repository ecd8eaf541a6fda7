import { refuse, routeHandler } from "@/server/api/route-handler";
import { storedFileResponse } from "@/server/integrations/file-response";
import { fileForViewer } from "@/server/services/content";

export const dynamic = "force-dynamic";

/**
 * Streams a content file to whoever may see it (server/services/content/content.ts, fileForViewer). Anyone else gets 403,
 * signed in or not: a guessed or shared link opens nothing, and a sign-in prompt would only invite guessing.
 */
export const GET = routeHandler<{ fileId: string }>({ who: "anyone" }, async (request, { params, viewer }) => {
  const file = await fileForViewer(await viewer(), params.fileId);
  if (file.status === "missing") return refuse(404, "This file does not exist.");
  if (file.status === "forbidden") return refuse(403, "You don't have access to this file.");
  return storedFileResponse(request, {
    storageKey: file.storageKey,
    fileName: file.fileName,
    mimeType: file.mimeType,
    private: file.protected,
  });
});
