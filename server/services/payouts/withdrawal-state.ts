import "server-only";
import { prisma } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import { announceWithdrawalChange } from "./notifications";
import { DomainError } from "@/server/domain/errors";
import { systemAccount, userAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import {
  type PayoutActor,
  type PayoutDetailsSnapshot,
  WITHDRAWAL_STATUS_LABELS,
  assertTransition,
  withdrawalKeys,
} from "@/server/domain/payouts";
import type { Withdrawal } from "@/server/generated/prisma/client";
import type { PayoutMethod, WithdrawalStatus } from "@/server/generated/prisma/enums";
import { post, reverse } from "@/server/ledger/post";
import { type WithdrawalRow, recordStatusChange, selectWithdrawalEvents, selectWithdrawalForUpdate } from "./queries";

/**
 * One withdrawal as stored, and the one way its status changes: `applyTransition`, inside the caller's
 * transaction, checks the move against the state machine (server/domain/payouts.ts), posts its ledger effects
 * under deterministic keys, updates the row and appends the event with time and actor.
 */

export type { WithdrawalRow };

/** The withdrawal, locked for the rest of the transaction; `performerId` scopes it to its owner. */
export async function lockWithdrawal(db: Queryable, id: string, performerId?: string): Promise<WithdrawalRow> {
  const row = await selectWithdrawalForUpdate(db, id, performerId ?? null);
  if (!row) throw new DomainError("NOT_FOUND", "That withdrawal does not exist.");
  return row;
}

/** A withdrawal as stored, read outside any transaction (a use case that acts on it locks it with lockWithdrawal). */
export async function findWithdrawal(id: string): Promise<WithdrawalRow | null> {
  const withdrawal = await prisma.withdrawal.findUnique({ where: { id } });
  return withdrawal && withdrawalRowOf(withdrawal);
}

/** The performer's own withdrawals, newest first (at most 200). */
export async function listPerformerWithdrawals(performerId: string): Promise<WithdrawalRow[]> {
  const withdrawals = await prisma.withdrawal.findMany({ where: { performerId }, orderBy: [{ createdAt: "desc" }, { id: "asc" }], take: 200 });
  return withdrawals.map(withdrawalRowOf);
}

/** Prisma's record in the row shape the state machine works on (amounts as pg returns them: exact decimal strings). */
function withdrawalRowOf(withdrawal: Withdrawal): WithdrawalRow {
  return {
    id: withdrawal.id,
    performer_id: withdrawal.performerId,
    credits: withdrawal.credits.toString(),
    currency: withdrawal.currency,
    gross_minor: withdrawal.grossMinor.toString(),
    fee_minor: withdrawal.feeMinor.toString(),
    net_minor: withdrawal.netMinor.toString(),
    method: withdrawal.method,
    payout_details: withdrawal.payoutDetails as unknown as PayoutDetailsSnapshot,
    status: withdrawal.status,
    idempotency_key: withdrawal.idempotencyKey,
    hold_transaction_id: withdrawal.holdTransactionId.toString(),
    settle_transaction_id: withdrawal.settleTransactionId?.toString() ?? null,
    release_transaction_id: withdrawal.releaseTransactionId?.toString() ?? null,
    reference: withdrawal.reference,
    reason: withdrawal.reason,
    stripe_transfer_id: withdrawal.stripeTransferId,
    stripe_payout_id: withdrawal.stripePayoutId,
    created_at: withdrawal.createdAt,
    updated_at: withdrawal.updatedAt,
  };
}

/** A status change, as announced through the outbox in its transaction. */
export interface StatusNotice {
  withdrawalId: string;
  performerId: string;
  status: WithdrawalStatus;
}

export interface TransitionDetails {
  note?: string | null;
  reference?: string;
  reason?: string;
  stripePayoutId?: string;
}

export interface TransitionActor {
  kind: PayoutActor;
  /** Null for the system. */
  id: string | null;
}

const RELEASE_DESCRIPTIONS: Partial<Record<WithdrawalStatus, string>> = {
  CANCELLED: "Withdrawal cancelled: credits returned",
  REJECTED: "Withdrawal rejected: credits returned",
  FAILED: "Withdrawal failed: credits returned",
};

export async function applyTransition(
  db: Queryable,
  withdrawal: WithdrawalRow,
  to: WithdrawalStatus,
  actor: TransitionActor,
  details: TransitionDetails = {},
): Promise<StatusNotice> {
  const effects = assertTransition(withdrawal.status, to, actor.kind);
  let settleId = withdrawal.settle_transaction_id;
  let releaseId = withdrawal.release_transaction_id;
  const credits = BigInt(withdrawal.credits);
  for (const effect of effects) {
    if (effect === "release") {
      // Back to Earnings whichever wallet the hold came from: holds made before wallets came from Credits.
      const released = await post(db, {
        kind: "REVERSAL",
        idempotencyKey: withdrawalKeys.release(withdrawal.id),
        actorId: actor.id,
        description: RELEASE_DESCRIPTIONS[to] ?? "Withdrawal ended: credits returned",
        reversesId: BigInt(withdrawal.hold_transaction_id),
        legs: [
          { account: userAccount(withdrawal.performer_id, "held"), amount: -credits },
          { account: userAccount(withdrawal.performer_id, "earnings"), amount: credits },
        ],
      });
      releaseId = released.transactionId.toString();
    } else if (effect === "settle") {
      const settled = await post(db, {
        kind: "WITHDRAWAL_PAID",
        idempotencyKey: withdrawal.status === "NEEDS_RECONCILIATION" ? withdrawalKeys.settleReconciled(withdrawal.id) : withdrawalKeys.settle(withdrawal.id),
        actorId: actor.id,
        description: `Withdrawal of ${formatCredits(credits)} credits paid`,
        metadata: { withdrawalId: withdrawal.id, reference: details.reference ?? withdrawal.reference, stripePayoutId: details.stripePayoutId ?? withdrawal.stripe_payout_id },
        legs: [
          { account: userAccount(withdrawal.performer_id, "held"), amount: -credits },
          { account: systemAccount("payout_clearing"), amount: credits },
        ],
      });
      settleId = settled.transactionId.toString();
    } else {
      if (!settleId) throw new Error(`withdrawal ${withdrawal.id} has no payment to reverse`);
      await reverse(db, {
        transactionId: BigInt(settleId),
        idempotencyKey: withdrawalKeys.unsettle(withdrawal.id),
        actorId: actor.id,
        description: "Withdrawal payment returned by the bank",
      });
    }
  }
  await recordStatusChange(db, {
    id: withdrawal.id,
    from: withdrawal.status,
    to,
    settleTransactionId: settleId,
    releaseTransactionId: releaseId,
    reference: details.reference ?? null,
    reason: details.reason ?? null,
    stripePayoutId: details.stripePayoutId ?? null,
    actorId: actor.id,
    note: details.note ?? null,
  });
  withdrawal.status = to;
  withdrawal.settle_transaction_id = settleId;
  withdrawal.release_transaction_id = releaseId;
  const notice: StatusNotice = { withdrawalId: withdrawal.id, performerId: withdrawal.performer_id, status: to };
  await announceWithdrawalChange(db, notice);
  return notice;
}

export interface WithdrawalEventView {
  fromStatus: WithdrawalStatus | null;
  toStatus: WithdrawalStatus;
  /** Who made the change: a name, or null for Tipmeter itself (auto-approval, Stripe). */
  actorName: string | null;
  actorIsPerformer: boolean;
  note: string | null;
  at: Date;
}

export interface WithdrawalView {
  id: string;
  performerId: string;
  credits: bigint;
  currency: string;
  grossMinor: bigint;
  feeMinor: bigint;
  netMinor: bigint;
  method: PayoutMethod;
  status: WithdrawalStatus;
  statusLabel: string;
  reference: string | null;
  reason: string | null;
  stripePayoutId: string | null;
  /** Approved through Stripe but the payout could not be sent yet: an admin can send it again. */
  awaitingStripePayout: boolean;
  createdAt: Date;
  updatedAt: Date;
  events: WithdrawalEventView[];
}

export function toWithdrawalView(row: WithdrawalRow, events: WithdrawalEventView[]): WithdrawalView {
  return {
    id: row.id,
    performerId: row.performer_id,
    credits: BigInt(row.credits),
    currency: row.currency,
    grossMinor: BigInt(row.gross_minor),
    feeMinor: BigInt(row.fee_minor),
    netMinor: BigInt(row.net_minor),
    method: row.method,
    status: row.status,
    statusLabel: WITHDRAWAL_STATUS_LABELS[row.status],
    reference: row.reference,
    reason: row.reason,
    stripePayoutId: row.stripe_payout_id,
    awaitingStripePayout: row.method === "STRIPE_CONNECT" && row.status === "APPROVED",
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    events,
  };
}

/** The status history of each withdrawal, oldest first. */
export async function eventsFor(db: Queryable, withdrawalIds: readonly string[]): Promise<Map<string, WithdrawalEventView[]>> {
  const byWithdrawal = new Map<string, WithdrawalEventView[]>();
  if (withdrawalIds.length === 0) return byWithdrawal;
  const rows = await selectWithdrawalEvents(db, withdrawalIds);
  for (const row of rows) {
    const list = byWithdrawal.get(row.withdrawal_id) ?? [];
    list.push({
      fromStatus: row.from_status,
      toStatus: row.to_status,
      actorName: row.actor_id ? (row.display_name ?? "A former user") : null,
      actorIsPerformer: row.actor_id === row.performer_id,
      note: row.note,
      at: row.created_at,
    });
    byWithdrawal.set(row.withdrawal_id, list);
  }
  return byWithdrawal;
}
