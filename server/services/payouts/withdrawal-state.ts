import "server-only";
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
import type { PayoutMethod, WithdrawalStatus } from "@/server/generated/prisma/enums";
import { post, reverse } from "@/server/ledger/post";

/**
 * One withdrawal as stored, and the one way its status changes: `applyTransition`, inside the caller's
 * transaction, checks the move against the state machine (server/domain/payouts.ts), posts its ledger effects
 * under deterministic keys, updates the row and appends the event with time and actor.
 */

export interface WithdrawalRow {
  id: string;
  performer_id: string;
  credits: string;
  currency: string;
  gross_minor: string;
  fee_minor: string;
  net_minor: string;
  method: PayoutMethod;
  payout_details: PayoutDetailsSnapshot;
  status: WithdrawalStatus;
  idempotency_key: string;
  hold_transaction_id: string;
  settle_transaction_id: string | null;
  release_transaction_id: string | null;
  reference: string | null;
  reason: string | null;
  stripe_transfer_id: string | null;
  stripe_payout_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export const WITHDRAWAL_COLUMNS = `w.id, w.performer_id, w.credits, w.currency, w.gross_minor, w.fee_minor, w.net_minor, w.method,
  w.payout_details, w.status, w.idempotency_key, w.hold_transaction_id, w.settle_transaction_id, w.release_transaction_id,
  w.reference, w.reason, w.stripe_transfer_id, w.stripe_payout_id, w.created_at, w.updated_at`;

/** The withdrawal, locked for the rest of the transaction; `performerId` scopes it to its owner. */
export async function lockWithdrawal(db: Queryable, id: string, performerId?: string): Promise<WithdrawalRow> {
  const { rows } = await db.query<WithdrawalRow>(
    `SELECT ${WITHDRAWAL_COLUMNS} FROM withdrawals w WHERE w.id = $1 AND ($2::uuid IS NULL OR w.performer_id = $2::uuid) FOR UPDATE`,
    [id, performerId ?? null],
  );
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "That withdrawal does not exist.");
  return row;
}

export async function findWithdrawal(db: Queryable, id: string): Promise<WithdrawalRow | null> {
  const { rows } = await db.query<WithdrawalRow>(`SELECT ${WITHDRAWAL_COLUMNS} FROM withdrawals w WHERE w.id = $1`, [id]);
  return rows[0] ?? null;
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
      const released = await reverse(db, {
        transactionId: BigInt(withdrawal.hold_transaction_id),
        idempotencyKey: withdrawalKeys.release(withdrawal.id),
        actorId: actor.id,
        description: RELEASE_DESCRIPTIONS[to] ?? "Withdrawal ended: credits returned",
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
  await db.query(
    `UPDATE withdrawals
        SET status = $2::"WithdrawalStatus", settle_transaction_id = $3, release_transaction_id = $4,
            reference = coalesce($5, reference), reason = coalesce($6, reason),
            stripe_payout_id = coalesce($7, stripe_payout_id), updated_at = now()
      WHERE id = $1`,
    [withdrawal.id, to, settleId, releaseId, details.reference ?? null, details.reason ?? null, details.stripePayoutId ?? null],
  );
  await db.query(
    `INSERT INTO withdrawal_events (withdrawal_id, from_status, to_status, actor_id, note)
     VALUES ($1, $2::"WithdrawalStatus", $3::"WithdrawalStatus", $4, $5)`,
    [withdrawal.id, withdrawal.status, to, actor.id, details.note ?? null],
  );
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
  const { rows } = await db.query<{
    withdrawal_id: string;
    from_status: WithdrawalStatus | null;
    to_status: WithdrawalStatus;
    actor_id: string | null;
    performer_id: string;
    display_name: string | null;
    note: string | null;
    created_at: Date;
  }>(
    `SELECT e.withdrawal_id, e.from_status, e.to_status, e.actor_id, w.performer_id, u.display_name, e.note, e.created_at
       FROM withdrawal_events e
       JOIN withdrawals w ON w.id = e.withdrawal_id
       LEFT JOIN users u ON u.id = e.actor_id
      WHERE e.withdrawal_id = ANY($1::uuid[])
      ORDER BY e.id`,
    [withdrawalIds],
  );
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
