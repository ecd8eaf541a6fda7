import "server-only";
/** The admin's audit-log viewer and its CSV export. */
import { z } from "zod";
import { pool, prisma } from "@/server/db/client";
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

function person(user: AuditPerson | undefined): AuditPerson | null {
  return user ? { id: user.id, displayName: user.displayName, email: user.email } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids per query, well under PostgreSQL's limit of bind parameters in one statement. */
const PEOPLE_PER_QUERY = 10_000;

/** The users among the ids, by id; an id that names no user (or is no uuid at all) is simply absent. */
async function peopleByIds(ids: Iterable<string>): Promise<Map<string, AuditPerson>> {
  const candidates = [...new Set(ids)].filter((id) => UUID.test(id));
  const people = new Map<string, AuditPerson>();
  for (let start = 0; start < candidates.length; start += PEOPLE_PER_QUERY) {
    const users = await prisma.user.findMany({
      where: { id: { in: candidates.slice(start, start + PEOPLE_PER_QUERY) } },
      select: { id: true, displayName: true, email: true },
    });
    for (const user of users) people.set(user.id, user);
  }
  return people;
}

/**
 * Rows newest first. The target-user filter matches every row whose target is that user's id: their account,
 * their balance, their payout profile, their room's settings.
 */
async function queryAuditLog(filter: AuditLogFilter, cursor: bigint | undefined, limit: number): Promise<AuditLogEntry[]> {
  const rows = await prisma.auditLog.findMany({
    where: {
      actorId: filter.actorId,
      targetId: filter.targetUserId?.toLowerCase(),
      action: filter.action,
      createdAt: { gte: filter.from, lt: filter.to },
      id: cursor === undefined ? undefined : { lt: cursor },
    },
    orderBy: { id: "desc" },
    take: limit,
    select: { id: true, createdAt: true, action: true, targetType: true, targetId: true, details: true, actorId: true },
  });
  // A target is a user when its id is a user's id, whatever its type says (a balance, a payout profile, a room).
  const people = await peopleByIds(rows.flatMap((row) => (row.actorId ? [row.actorId, row.targetId] : [row.targetId])));
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt,
    action: row.action,
    actionLabel: auditActionLabel(row.action),
    actor: row.actorId ? person(people.get(row.actorId)) : null,
    target: {
      type: row.targetType,
      typeLabel: auditActionLabel(row.targetType),
      id: row.targetId,
      user: person(people.get(row.targetId)),
    },
    details: auditDetailLines(row.details),
    rawDetails: row.details,
  }));
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
  const actions = await prisma.auditLog.groupBy({ by: ["action"], orderBy: { action: "asc" } });
  return actions.map(({ action }) => ({ action, label: auditActionLabel(action) }));
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
