import type { NextRequest } from "next/server";
import { resolveSession } from "@/server/auth/session-token";
import { storedFileResponse } from "@/server/integrations/file-response";
import { fileForViewer } from "@/server/services/content";

export const dynamic = "force-dynamic";

function refuse(status: 403 | 404, error: string): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

/**
 * Streams a content file to whoever may see it (server/services/content.ts, fileForViewer). Anyone else gets 403,
 * signed in or not: a guessed or shared link opens nothing, and a sign-in prompt would only invite guessing.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ fileId: string }> }): Promise<Response> {
  const session = await resolveSession(request.cookies);
  const viewer = session.status === "active" ? session.user : null;
  const file = await fileForViewer(viewer, (await params).fileId);
  if (file.status === "missing") return refuse(404, "This file does not exist.");
  if (file.status === "forbidden") return refuse(403, "You don't have access to this file.");
  return storedFileResponse(request, {
    storageKey: file.storageKey,
    fileName: file.fileName,
    mimeType: file.mimeType,
    private: file.protected,
  });
}
