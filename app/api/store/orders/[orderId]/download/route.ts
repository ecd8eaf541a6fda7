import type { NextRequest } from "next/server";
import { resolveSession } from "@/server/auth/session-token";
import { isDomainError } from "@/server/domain/errors";
import { storedFileResponse } from "@/server/integrations/file-response";
import { downloadableFile } from "@/server/services/store-orders";

export const dynamic = "force-dynamic";

function refuse(status: 401 | 403 | 404, error: string): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

/**
 * Streams a digital store item to the member who bought it, while the order is paid and not refunded. Anyone
 * else gets 403, the seller and admins included: the file is the buyer's download, not a public link.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ orderId: string }> }): Promise<Response> {
  const session = await resolveSession(request.cookies);
  if (session.status !== "active") return refuse(401, "Sign in to download your purchase.");
  const { orderId } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(orderId)) return refuse(404, "That order does not exist.");
  try {
    const file = await downloadableFile(session.user, orderId);
    return storedFileResponse(request, { ...file, private: true });
  } catch (error) {
    if (isDomainError(error)) return refuse(error.code === "NOT_FOUND" ? 404 : 403, error.message);
    throw error;
  }
}
