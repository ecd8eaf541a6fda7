import type { NextRequest } from "next/server";
import { resolveSession } from "@/server/auth/session-token";
import { auditLogCsv, auditLogFilterSchema, exportAuditLog } from "@/server/services/audit/log-viewer";

export const dynamic = "force-dynamic";

function refuse(status: 400 | 401 | 403, error: string): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

/**
 * The audit log, filtered as in the viewer (`actorId`, `targetUserId`, `action`, `from`, `to` as ISO times), as a
 * CSV download. Admins only: the session is checked against the database here, since API routes pass the proxy
 * unchecked. An empty value is no filter, as a form sends it.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const session = await resolveSession(request.cookies);
  if (session.status !== "active") return refuse(401, "Sign in to export the audit log.");
  if (session.user.role !== "ADMIN") return refuse(403, "Only administrators can export the audit log.");

  const raw = Object.fromEntries([...request.nextUrl.searchParams].filter(([, value]) => value !== ""));
  const filter = auditLogFilterSchema.safeParse(raw);
  if (!filter.success) return refuse(400, filter.error.issues.map((issue) => issue.message).join(" "));

  const entries = await exportAuditLog(session.user.id, filter.data);
  return new Response(auditLogCsv(entries), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
