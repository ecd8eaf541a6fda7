import { z } from "zod";
import { type DateRange, dateRange } from "@/components/wallet/date-range";

/**
 * The audit-log viewer's filters as the URL carries them (a GET form), so a filtered view survives a reload and
 * can be linked: `actor` and `target` are user ids, `action` an action code, `from`/`to` dates ("YYYY-MM-DD").
 * A value that doesn't parse is dropped with a message saying which, rather than failing the page.
 */

export interface AuditParams {
  actor: string;
  target: string;
  action: string;
  from: string;
  to: string;
}

/** "YYYY-MM-DD" naming a day that exists (not 2026-02-31). */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const FIELDS = {
  actor: z.uuid({ error: "The actor in the link is not a user id, so it was left out." }),
  target: z.uuid({ error: "The target user in the link is not a user id, so it was left out." }),
  action: z.string().max(64).regex(/^[a-z_]+(\.[a-z_]+)*$/, { error: "The action in the link is not an audit action, so it was left out." }),
  from: z.string().refine(isCalendarDate, { error: "The start date in the link is not a date, so it was left out." }),
  to: z.string().refine(isCalendarDate, { error: "The end date in the link is not a date, so it was left out." }),
} satisfies Record<keyof AuditParams, z.ZodType<string>>;

function first(raw: Record<string, string | string[] | undefined>, key: string): string {
  const value = raw[key];
  return ((Array.isArray(value) ? value[0] : value) ?? "").trim();
}

export function parseAuditParams(raw: Record<string, string | string[] | undefined>): { params: AuditParams; problems: string[] } {
  const params: AuditParams = { actor: "", target: "", action: "", from: "", to: "" };
  const problems: string[] = [];
  for (const key of Object.keys(FIELDS) as (keyof AuditParams)[]) {
    const value = first(raw, key);
    if (!value) continue;
    const parsed = FIELDS[key].safeParse(value);
    if (parsed.success) params[key] = key === "actor" || key === "target" ? parsed.data.toLowerCase() : parsed.data;
    else problems.push(parsed.error.issues[0]?.message ?? `The ${key} in the link was left out.`);
  }
  return { params, problems };
}

export function hasAuditFilters(params: AuditParams): boolean {
  return Object.values(params).some(Boolean);
}

/** The API's filter for these params; the dates are read in the admin's own time zone, `to` inclusive. */
export function auditQuery(params: AuditParams, range: DateRange) {
  return {
    actorId: params.actor || undefined,
    targetUserId: params.target || undefined,
    action: params.action || undefined,
    from: range.ok ? range.from : undefined,
    to: range.ok ? range.to : undefined,
  };
}

export function auditRange(params: AuditParams): DateRange {
  return dateRange(params.from, params.to);
}

/** The export route's link for the same filter, its dates as exact instants so the file matches the screen. */
export function auditExportHref(params: AuditParams, range: DateRange): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(auditQuery(params, range))) {
    if (value !== undefined) query.set(key, value instanceof Date ? value.toISOString() : value);
  }
  const text = query.toString();
  return text ? `/api/admin/audit/export?${text}` : "/api/admin/audit/export";
}
