import "server-only";
import type { Prisma } from "@/server/generated/prisma/client";
import type { Queryable } from "@/server/db/transaction";

/**
 * The one way a service writes the audit log. A row is written by the change it records, in the same
 * transaction (a pg client or a Prisma transaction), so the log never claims what was rolled back and never
 * misses what committed. Actions and target types are closed lists: a new kind of audited change is added here,
 * where the viewer's labels (server/domain/audit.ts) are checked against it.
 */

export const AUDIT_ACTIONS = [
  "audit_log.exported",
  "commission.set",
  "currency.activate",
  "currency.create",
  "currency.deactivate",
  "exchange_rate.add",
  "ledger.adjust",
  "ledger.exported",
  "membership_plan.create",
  "membership_plan.update",
  "package.create",
  "package.update",
  "payout_field.created",
  "payout_field.updated",
  "payout_method.removed",
  "payout_method.set",
  "payout_profile.revealed",
  "payout_profile.saved",
  "payout_profile.stripe_connected",
  "payout_rate.removed",
  "payout_rate.set",
  "performer_application.approved",
  "performer_application.rejected",
  "performer_application.submitted",
  "purchase.dispute_restored",
  "purchase.dispute_taken_back",
  "room.mute",
  "room.readmit",
  "room.remove",
  "room.settings",
  "room.unmute",
  "setting.set",
  "show.ended",
  "store_item.create",
  "store_item.file",
  "store_item.update",
  "stripe.payment_mismatch",
  "tab.write_off",
  "user.created",
  "user.reactivated",
  "user.suspended",
  "wallet_type.activate",
  "wallet_type.create",
  "wallet_type.deactivate",
  "wallet_type.update",
  "withdrawal.details_revealed",
  "withdrawals.exported",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditTargetType =
  | "audit_log"
  | "card_tab"
  | "commission_rate"
  | "credit_checkout"
  | "credit_package"
  | "credit_purchase"
  | "currency"
  | "exchange_rate"
  | "ledger"
  | "membership_plan"
  | "payment_request"
  | "payout_field"
  | "payout_method"
  | "payout_profile"
  | "payout_rate"
  | "room"
  | "setting"
  | "show"
  | "store_item"
  | "store_order"
  | "user"
  | "wallet_type"
  | "withdrawal";

export interface AuditEntry {
  /** Null for what the system did on its own (a webhook, a scheduled job). */
  actorId: string | null;
  action: AuditAction;
  target: { type: AuditTargetType; id: string };
  details?: Record<string, unknown>;
}

/** Details as stored: bigints as decimal strings (exact, and JSON has no bigint), everything else as JSON. */
export function auditDetailsJson(details: Record<string, unknown> = {}): string {
  return JSON.stringify(details, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/** Writes one audit row with a pg client inside the caller's transaction; returns the row's id. */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<bigint> {
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO audit_log (actor_id, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id",
    [entry.actorId, entry.action, entry.target.type, entry.target.id, auditDetailsJson(entry.details)],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`audit row for ${entry.action} was not written`);
  return BigInt(id);
}

/** The same row through a Prisma transaction, for services that work with Prisma Client. */
export async function recordAuditWithPrisma(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<bigint> {
  const row = await tx.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id,
      details: JSON.parse(auditDetailsJson(entry.details)) as Prisma.InputJsonObject,
    },
    select: { id: true },
  });
  return row.id;
}
