import "server-only";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { auditActions, auditLogPageSchema, listAuditLog } from "@/server/services/audit";

/** The admin audit-log viewer. */
export const auditRouter = createTRPCRouter({
  list: adminProcedure.input(auditLogPageSchema).query(({ input }) => listAuditLog(input)),
  actions: adminProcedure.query(() => auditActions()),
});
