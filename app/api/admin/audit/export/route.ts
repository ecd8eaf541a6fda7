import { queryObject, routeHandler } from "@/server/api/route-handler";
import { auditLogCsv, auditLogFilterSchema, exportAuditLog } from "@/server/services/audit";

export const dynamic = "force-dynamic";

/**
 * The audit log, filtered as in the viewer (`actorId`, `targetUserId`, `action`, `from`, `to` as ISO times), as a
 * CSV download. Admins only. An invalid filter is a 400 with the filter's messages.
 */
export const GET = routeHandler(
  { who: "signed-in", roles: ["ADMIN"], signInMessage: "Sign in to export the audit log.", roleMessage: "Only administrators can export the audit log." },
  async (request, { user }) => {
    const entries = await exportAuditLog(user.id, auditLogFilterSchema.parse(queryObject(request)));
    return new Response(auditLogCsv(entries), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="audit-log-${new Date().toISOString().slice(0, 10)}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  },
);
