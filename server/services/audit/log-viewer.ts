import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { type AuditDetailLine, auditActionLabel, auditDetailLines, auditDetailsText } from "@/server/domain/audit";
import { csvDocument } from "@/server/domain/csv";
import { storableBigint, storableDate } from "@/server/domain/storable";
import { recordAudit } from "./record";

/**
 * The admin audit-log viewer and its export: who did what to whom, newest first. Every row was written by the
 * change it records, in the same transaction; this only reads them (and records that an export left the system).
 */

const userIdFilter = (who: string) => z.uuid({ error: `Pick the ${who} from the list, or paste a user id.` }).optional();

const filterFields = {
  actorId: userIdFilter("actor"),
  targetUserId: userIdFilter("target user"),
  action: z
    .string()
    .trim()
    .max(64, "That is not an audit action.")
    .regex(/^[a-z_]+(\.[a-z_]+)*$/, "That is not an audit action.")
    .optional(),
  from: storableDate(z.coerce.date({ error: "Enter a valid start date." })).optional(),
  /** Exclusive: the first moment no longer included. */
  to: storableDate(z.coerce.date({ error: "Enter a valid end date." })).optional(),
};

const rangeInOrder = (filter: { from?: Date; to?: Date }) => !filter.from || !filter.to || filter.from <= filter.to;
const RANGE_ERROR = { error: "The end date is before the start date.", path: ["to"] };

export const auditLogFilterSchema = z.object(filterFields).refine(rangeInOrder, RANGE_ERROR);
export type AuditLogFilter = z.infer<typeof auditLogFilterSchema>;

export const auditLogPageSchema = z
  .object({ ...filterFields, cursor: storableBigint(z.bigint().positive()).optional(), limit: z.number().int().min(1).max(100).default(25) })
  .refine(rangeInOrder, RANGE_ERROR);

export interface AuditPerson {
  id: string;
  displayName: string;
  email: string;
}

export interface AuditLogEntry {
  id: bigint;
  createdAt: Date;
  action: string;
  actionLabel: string;
  /** Null for what the system did on its own (a scheduled job, the first admin). */
  actor: AuditPerson | null;
  target: { type: string; typeLabel: string; id: string; user: AuditPerson | null };
  details: AuditDetailLine[];
  rawDetails: unknown;
}

interface AuditRow {
  id: string;
  created_at: Date;
  action: string;
  target_type: string;
  target_id: string;
  details: unknown;
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  target_user_id: string | null;
  target_name: string | null;
  target_email: string | null;
}

function person(id: string | null, displayName: string | null, email: string | null): AuditPerson | null {
  return id && displayName !== null && email !== null ? { id, displayName, email } : null;
}

function toEntry(row: AuditRow): AuditLogEntry {
  return {
    id: BigInt(row.id),
    createdAt: row.created_at,
    action: row.action,
    actionLabel: auditActionLabel(row.action),
    actor: person(row.actor_id, row.actor_name, row.actor_email),
    target: {
      type: row.target_type,
      typeLabel: auditActionLabel(row.target_type),
      id: row.target_id,
      user: person(row.target_user_id, row.target_name, row.target_email),
    },
    details: auditDetailLines(row.details),
    rawDetails: row.details,
  };
}

/**
 * Rows newest first. The target-user filter matches every row whose target is that user's id: their account,
 * their balance, their payout profile, their room's settings.
 */
async function queryAuditLog(filter: AuditLogFilter, cursor: bigint | undefined, limit: number): Promise<AuditLogEntry[]> {
  const { rows } = await pool.query<AuditRow>(
    `SELECT a.id, a.created_at, a.action, a.target_type, a.target_id, a.details,
            actor.id AS actor_id, actor.display_name AS actor_name, actor.email AS actor_email,
            target.id AS target_user_id, target.display_name AS target_name, target.email AS target_email
       FROM audit_log a
       LEFT JOIN users actor ON actor.id = a.actor_id
       LEFT JOIN users target ON target.id::text = a.target_id
      WHERE ($1::uuid IS NULL OR a.actor_id = $1::uuid)
        AND ($2::text IS NULL OR a.target_id = $2)
        AND ($3::text IS NULL OR a.action = $3)
        AND ($4::timestamptz IS NULL OR a.created_at >= $4)
        AND ($5::timestamptz IS NULL OR a.created_at < $5)
        AND ($6::bigint IS NULL OR a.id < $6)
      ORDER BY a.id DESC
      LIMIT $7`,
    [
      filter.actorId ?? null,
      filter.targetUserId?.toLowerCase() ?? null,
      filter.action ?? null,
      filter.from ?? null,
      filter.to ?? null,
      cursor?.toString() ?? null,
      limit,
    ],
  );
  return rows.map(toEntry);
}

/** One page of the viewer; the cursor is the last id seen (ids only grow, so paging is stable under new rows). */
export async function listAuditLog(input: z.infer<typeof auditLogPageSchema>): Promise<{ entries: AuditLogEntry[]; nextCursor: bigint | null }> {
  const { cursor, limit, ...filter } = input;
  const rows = await queryAuditLog(filter, cursor, limit + 1);
  const entries = rows.slice(0, limit);
  const last = entries[entries.length - 1];
  return { entries, nextCursor: rows.length > limit && last ? last.id : null };
}

/** Every action recorded so far, for the viewer's action filter. */
export async function auditActions(): Promise<{ action: string; label: string }[]> {
  const { rows } = await pool.query<{ action: string }>("SELECT DISTINCT action FROM audit_log ORDER BY action");
  return rows.map(({ action }) => ({ action, label: auditActionLabel(action) }));
}

export const AUDIT_EXPORT_LIMIT = 50_000;

/** The filtered rows for a download; the export itself is audited (after the read, so it is not in its own file). */
export async function exportAuditLog(adminId: string, filter: AuditLogFilter): Promise<AuditLogEntry[]> {
  const entries = await queryAuditLog(filter, undefined, AUDIT_EXPORT_LIMIT);
  await recordAudit(pool, { actorId: adminId, action: "audit_log.exported", target: { type: "audit_log", id: "export" }, details: { filters: filter, rows: entries.length } });
  return entries;
}

export const AUDIT_EXPORT_COLUMNS = [
  "Entry ID",
  "Time (UTC)",
  "Actor",
  "Actor email",
  "Action",
  "Action code",
  "Target",
  "Target email",
  "Details",
  "Details (JSON)",
] as const;

function targetText(entry: AuditLogEntry): string {
  return entry.target.user ? entry.target.user.displayName : `${entry.target.typeLabel} ${entry.target.id}`;
}

export function auditLogCsv(entries: readonly AuditLogEntry[]): string {
  return csvDocument(
    AUDIT_EXPORT_COLUMNS,
    entries.map((entry) => [
      entry.id.toString(),
      entry.createdAt.toISOString(),
      entry.actor?.displayName ?? "System",
      entry.actor?.email ?? "",
      entry.actionLabel,
      entry.action,
      targetText(entry),
      entry.target.user?.email ?? "",
      auditDetailsText(entry.rawDetails),
      JSON.stringify(entry.rawDetails),
    ]),
  );
}
