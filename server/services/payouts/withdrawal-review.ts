import "server-only";
import { z } from "zod";
import { pool, prisma } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError, isDomainError } from "@/server/domain/errors";
import { AWAITING_ADMIN, PAYOUT_METHODS, type PayoutDetailLine, WITHDRAWAL_STATUSES, detailLines } from "@/server/domain/payouts";
import type { WithdrawalStatus } from "@/server/generated/prisma/enums";
import { recordAudit } from "@/server/services/audit/record";
import { selectWithdrawalQueue } from "./queries";
import { assertStripeAccountReady, sendStripePayout } from "./stripe-payouts";
import {
  type TransitionActor,
  type WithdrawalView,
  applyTransition,
  eventsFor,
  findWithdrawal,
  lockWithdrawal,
  toWithdrawalView,
} from "./withdrawal-state";
import { viewOf, withdrawalIdSchema } from "./withdrawals";

/** The admin's side of withdrawals: the review queue and its filters, approving, paying, rejecting, one by one or in bulk. */

// ---------------------------------------------------------------------------------------------------------------
// The admin's side

const WITHDRAWAL_STATUS_FILTERS = ["OPEN", ...WITHDRAWAL_STATUSES] as const;

/**
 * The queue's filters, shared by the page and the export. OPEN: waiting for an admin (requested, approved, or a
 * failed Stripe payout held for reconciliation).
 * Dates are whole UTC days, both ends included.
 */
export const withdrawalFiltersSchema = z.object({
  status: z.enum(WITHDRAWAL_STATUS_FILTERS).optional(),
  performer: z.string().trim().max(100).optional(),
  method: z.enum(PAYOUT_METHODS).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type WithdrawalFilters = z.input<typeof withdrawalFiltersSchema>;

export interface AdminWithdrawalView extends WithdrawalView {
  performer: { username: string; displayName: string; email: string; stageName: string | null };
  /** Payout details as they were when requested; sensitive values masked. */
  details: PayoutDetailLine[];
}

function statusesFor(filter: z.output<typeof withdrawalFiltersSchema>["status"]): WithdrawalStatus[] | null {
  if (!filter) return null;
  return filter === "OPEN" ? [...AWAITING_ADMIN] : [filter];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Waiting requests oldest first (review in order of arrival); any other view newest first. One SQL statement on
 * purpose: the performer search spans users and performer profiles, and the export reads up to EXPORT_LIMIT rows.
 */
export async function queryWithdrawals(db: Queryable, input: WithdrawalFilters, limit: number): Promise<AdminWithdrawalView[]> {
  const filters = withdrawalFiltersSchema.parse(input);
  const oldestFirst = filters.status === "OPEN" || filters.status === "REQUESTED" || filters.status === "APPROVED";
  const rows = await selectWithdrawalQueue(db, {
    statuses: statusesFor(filters.status),
    performerPattern: filters.performer ? `%${escapeLike(filters.performer)}%` : null,
    method: filters.method ?? null,
    from: filters.from ?? null,
    to: filters.to ?? null,
    oldestFirst,
    limit,
  });
  const events = await eventsFor(db, rows.map((row) => row.id));
  return rows.map((row) => ({
    ...toWithdrawalView(row, events.get(row.id) ?? []),
    performer: { username: row.username, displayName: row.display_name, email: row.email, stageName: row.stage_name },
    details: detailLines(row.payout_details, false),
  }));
}

const QUEUE_LIMIT = 200;

export function withdrawalQueue(filters: WithdrawalFilters): Promise<AdminWithdrawalView[]> {
  return queryWithdrawals(pool, filters, QUEUE_LIMIT);
}

/** How many withdrawals wait for an admin: the badge in the admin navigation. */
export function pendingWithdrawalCount(): Promise<number> {
  return prisma.withdrawal.count({ where: { status: { in: [...AWAITING_ADMIN] } } });
}

/** The payout details of a withdrawal in full, for paying it; the reveal is audited before anything is shown. */
export async function revealWithdrawalDetails(adminId: string, input: z.input<typeof withdrawalIdSchema>): Promise<PayoutDetailLine[]> {
  const { id } = withdrawalIdSchema.parse(input);
  const withdrawal = await findWithdrawal(id);
  if (!withdrawal) throw new DomainError("NOT_FOUND", "That withdrawal does not exist.");
  await recordAudit(pool, { actorId: adminId, action: "withdrawal.details_revealed", target: { type: "withdrawal", id } });
  return detailLines(withdrawal.payout_details, true);
}

export interface ApprovalResult {
  withdrawal: WithdrawalView;
  /** Approved, but Stripe refused or could not be reached: the payout can be sent again from the queue. */
  payoutError: string | null;
}

/**
 * An admin approves a request. A Stripe Connect withdrawal is checked against Stripe first (an account that
 * can't be paid is refused before anything changes), then paid at once; any other is paid by the admin, who
 * marks it paid with a reference.
 */
export async function approveWithdrawal(adminId: string, input: z.input<typeof withdrawalIdSchema>): Promise<ApprovalResult> {
  const { id } = withdrawalIdSchema.parse(input);
  const admin: TransitionActor = { kind: "admin", id: adminId };
  const current = await findWithdrawal(id);
  if (!current) throw new DomainError("NOT_FOUND", "That withdrawal does not exist.");
  if (current.status === "REQUESTED" && current.method === "STRIPE_CONNECT") await assertStripeAccountReady(current.payout_details);

  await withTransaction(pool, async (db) => applyTransition(db, await lockWithdrawal(db, id), "APPROVED", admin));

  let payoutError: string | null = null;
  if (current.method === "STRIPE_CONNECT") {
    try {
      await sendStripePayout(id, admin);
    } catch (error) {
      if (!isDomainError(error)) console.error(`withdrawal ${id} approved but not sent to Stripe`, error);
      payoutError = isDomainError(error) ? error.message : "Stripe could not be reached; send the payout again from the queue.";
    }
  }
  return { withdrawal: await viewOf(id), payoutError };
}

/** Sends an approved Stripe withdrawal again after a refusal or an outage. */
export async function retryStripePayout(adminId: string, input: z.input<typeof withdrawalIdSchema>): Promise<WithdrawalView> {
  const { id } = withdrawalIdSchema.parse(input);
  const current = await findWithdrawal(id);
  if (current?.status === "APPROVED" && current.method === "STRIPE_CONNECT" && !current.stripe_transfer_id) {
    await assertStripeAccountReady(current.payout_details);
  }
  await sendStripePayout(id, { kind: "admin", id: adminId });
  return viewOf(id);
}

export const rejectWithdrawalSchema = z.object({
  id: z.uuid(),
  reason: z.string().trim().min(3, "Tell the performer why, in a few words.").max(500),
});

export async function rejectWithdrawal(adminId: string, input: z.input<typeof rejectWithdrawalSchema>): Promise<WithdrawalView> {
  const { id, reason } = rejectWithdrawalSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const withdrawal = await lockWithdrawal(db, id);
    // Once transferred, the money is in the performer's Stripe account, so only a withdrawal held for
    // reconciliation (the admin recovered that money) may still be rejected.
    if (withdrawal.stripe_transfer_id && withdrawal.status !== "NEEDS_RECONCILIATION") {
      throw new DomainError("CONFLICT", "The money already went to the performer's Stripe account; send the payout instead of rejecting.");
    }
    await applyTransition(db, withdrawal, "REJECTED", { kind: "admin", id: adminId }, { reason, note: reason });
  });
  return viewOf(id);
}

export const markPaidSchema = z.object({
  id: z.uuid(),
  reference: z.string().trim().min(2, "Enter the payment's reference (PayPal transaction id, bank reference).").max(200),
});

/**
 * The admin paid by other means (PayPal, a bank transfer), or settled a Stripe withdrawal held for
 * reconciliation by leaving the money with the performer: the held credits leave for payout clearing.
 */
export async function markWithdrawalPaid(adminId: string, input: z.input<typeof markPaidSchema>): Promise<WithdrawalView> {
  const { id, reference } = markPaidSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const withdrawal = await lockWithdrawal(db, id);
    if (withdrawal.method === "STRIPE_CONNECT" && withdrawal.status !== "NEEDS_RECONCILIATION") {
      throw new DomainError("BAD_REQUEST", "A Stripe withdrawal turns paid when Stripe confirms the payout.");
    }
    await applyTransition(db, withdrawal, "PAID", { kind: "admin", id: adminId }, { reference, note: `Reference ${reference}` });
  });
  return viewOf(id);
}

export const bulkIdsSchema = z.object({ ids: z.array(z.uuid()).min(1, "Select at least one withdrawal.").max(100) });
export const bulkRejectSchema = bulkIdsSchema.extend({ reason: rejectWithdrawalSchema.shape.reason });

export type BulkOutcome = { id: string; ok: true; status: WithdrawalStatus; payoutError: string | null } | { id: string; ok: false; error: string };

/** Each withdrawal on its own: one that can't be approved (already approved, say) doesn't stop the others. */
async function eachWithdrawal(ids: readonly string[], act: (id: string) => Promise<{ status: WithdrawalStatus; payoutError: string | null }>): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = [];
  for (const id of new Set(ids)) {
    try {
      outcomes.push({ id, ok: true, ...(await act(id)) });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      outcomes.push({ id, ok: false, error: error.message });
    }
  }
  return outcomes;
}

export function approveWithdrawals(adminId: string, input: z.input<typeof bulkIdsSchema>): Promise<BulkOutcome[]> {
  const { ids } = bulkIdsSchema.parse(input);
  return eachWithdrawal(ids, async (id) => {
    const result = await approveWithdrawal(adminId, { id });
    return { status: result.withdrawal.status, payoutError: result.payoutError };
  });
}

export function rejectWithdrawals(adminId: string, input: z.input<typeof bulkRejectSchema>): Promise<BulkOutcome[]> {
  const { ids, reason } = bulkRejectSchema.parse(input);
  return eachWithdrawal(ids, async (id) => ({ status: (await rejectWithdrawal(adminId, { id, reason })).status, payoutError: null }));
}

