import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError, isDomainError } from "@/server/domain/errors";
import { userAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import {
  AUTO_APPROVAL_WINDOW_HOURS,
  PAYOUT_METHOD_LABELS,
  type PayoutDetailLine,
  type PayoutMethodTerms,
  type PayoutRateTerms,
  checkWithdrawal,
  detailLines,
  isLocked,
  lockEndsAt,
  qualifiesForAutoApproval,
  snapshotPayoutDetails,
  withdrawalKeys,
} from "@/server/domain/payouts";
import type { PayoutMethod } from "@/server/generated/prisma/enums";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { announceWithdrawalChange } from "./notifications";
import { findPayoutProfile, lockPayoutProfile, profileGaps } from "./profiles";
import { getPayoutConfiguration } from "./settings";
import { sendStripePayout } from "./stripe-payouts";
import {
  creditsRequestedWithin,
  databaseNow,
  insertRequestedEvent,
  insertWithdrawal,
  lockPerformerWithdrawalRequests,
  selectWithdrawalByKey,
} from "./queries";
import {
  type WithdrawalRow,
  type WithdrawalView,
  applyTransition,
  eventsFor,
  findWithdrawal,
  listPerformerWithdrawals,
  lockWithdrawal,
  toWithdrawalView,
} from "./withdrawal-state";

/**
 * Withdrawals: a performer turns matured earnings (the Earnings wallet, the only withdrawable one) into money.
 * The request moves the credits from Earnings to held at once (WITHDRAWAL_HOLD, in the same transaction as the withdrawal row and its first
 * event), so they can be neither spent nor requested twice; the ledger's guarded debit keeps concurrent requests
 * within what they have earned. An admin reviews every request unless the auto-approval setting covers it; paying
 * moves the held credits to payout clearing, every other ending reverses the hold. Every status change writes
 * its email and live updates to the outbox, in its own transaction (applyTransition).
 * This file is the performer's side; the admin's review is in withdrawal-review.ts.
 */

export interface WithdrawalOverview {
  available: bigint;
  held: bigint;
  method: PayoutMethod | null;
  currency: string | null;
  /** The performer's own details, sensitive values masked as in any summary. */
  details: PayoutDetailLine[];
  rate: PayoutRateTerms | null;
  terms: PayoutMethodTerms | null;
  lockedUntil: Date | null;
  /** Why a request can't be made right now, in words; empty when one can. */
  blockers: string[];
  autoApproveBelowCredits: bigint | null;
}

export async function withdrawalOverview(performerId: string): Promise<WithdrawalOverview> {
  const configuration = await getPayoutConfiguration();
  const profile = await findPayoutProfile(performerId);
  const balances = await walletBalances(pool, performerId);
  const now = await databaseNow(pool);
  const rate = profile ? (configuration.rates.find((candidate) => candidate.currency === profile.currency) ?? null) : null;
  const terms = profile ? (configuration.methods.find((candidate) => candidate.method === profile.method) ?? null) : null;
  const lockDays = configuration.policy.methodLockDays;
  const lockedUntil = profile && isLocked(profile.methodChangedAt, lockDays, now) ? lockEndsAt(profile.methodChangedAt, lockDays) : null;

  const blockers: string[] = [];
  if (!profile) blockers.push("Add your payout details first.");
  else {
    if (!terms) blockers.push(`${PAYOUT_METHOD_LABELS[profile.method]} payouts are not offered any more; choose another method.`);
    if (!rate) blockers.push(`Payouts in ${profile.currency} are not offered any more; choose another currency.`);
    const gaps = profileGaps(configuration.fields, profile);
    if (gaps.length > 0) blockers.push(`Your payout profile is incomplete: add ${gaps.join(", ")}.`);
    if (lockedUntil) blockers.push("Your payout details changed recently; withdrawals open again when the lock ends.");
  }
  return {
    available: balances.earnings,
    held: balances.held,
    method: profile?.method ?? null,
    currency: profile?.currency ?? null,
    details: profile ? detailLines(snapshotPayoutDetails(configuration.fields, profile), false) : [],
    rate: rate && { credits: rate.credits, amountMinor: rate.amountMinor },
    terms: terms && { fixedMinor: terms.fixedMinor, percentBps: terms.percentBps, minCredits: terms.minCredits, maxCredits: terms.maxCredits },
    lockedUntil,
    blockers,
    autoApproveBelowCredits: configuration.policy.autoApproveBelowCredits,
  };
}

export const requestWithdrawalSchema = z.object({
  credits: z.bigint().min(1n, "Enter a whole number of credits, 1 or more.").max(1_000_000_000_000n),
  idempotencyKey: z.uuid(),
});
export type RequestWithdrawalInput = z.input<typeof requestWithdrawalSchema>;

export interface RequestedWithdrawal {
  withdrawal: WithdrawalView;
  /** A retry with the same key: the first request, nothing new posted. */
  replayed: boolean;
}

function formatDate(date: Date): string {
  return new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(date) + " UTC";
}

function replayOf(existing: WithdrawalRow, credits: bigint): { row: WithdrawalRow; replayed: true } {
  if (BigInt(existing.credits) !== credits) throw new DomainError("CONFLICT", "This request was already made with different details.");
  return { row: existing, replayed: true };
}

export async function requestWithdrawal(performerId: string, input: RequestWithdrawalInput): Promise<RequestedWithdrawal> {
  const { credits, idempotencyKey } = requestWithdrawalSchema.parse(input);
  const configuration = await getPayoutConfiguration();
  const result = await withTransaction(pool, async (db) => {
    // One request at a time per performer, so the auto-approval window below counts every earlier request.
    await lockPerformerWithdrawalRequests(db, performerId);
    const existing = await selectWithdrawalByKey(db, performerId, idempotencyKey);
    if (existing) return replayOf(existing, credits);

    const profile = await lockPayoutProfile(db, performerId, "share");
    if (!profile) throw new DomainError("PRECONDITION_FAILED", "Add your payout details before requesting a withdrawal.");
    const methodLabel = PAYOUT_METHOD_LABELS[profile.method];
    const terms = configuration.methods.find((candidate) => candidate.method === profile.method);
    if (!terms) throw new DomainError("PRECONDITION_FAILED", `${methodLabel} payouts are not offered any more; choose another method in your payout profile.`);
    const rate = configuration.rates.find((candidate) => candidate.currency === profile.currency);
    if (!rate) throw new DomainError("PRECONDITION_FAILED", `Payouts in ${profile.currency} are not offered any more; choose another currency in your payout profile.`);
    const gaps = profileGaps(configuration.fields, profile);
    if (gaps.length > 0) throw new DomainError("PRECONDITION_FAILED", `Your payout profile is incomplete: add ${gaps.join(", ")}.`);
    const lockDays = configuration.policy.methodLockDays;
    if (isLocked(profile.methodChangedAt, lockDays, await databaseNow(db))) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `Your payout details changed recently, so withdrawals are paused until ${formatDate(lockEndsAt(profile.methodChangedAt, lockDays))}.`,
      );
    }
    const balances = await walletBalances(db, performerId);
    const quote = checkWithdrawal(credits, rate, terms, balances.earnings, methodLabel);

    // The guarded debit of the Earnings wallet is the real limit: a concurrent request may have taken credits since the read.
    const hold = await post(db, {
      kind: "WITHDRAWAL_HOLD",
      idempotencyKey: withdrawalKeys.hold(performerId, idempotencyKey),
      actorId: performerId,
      description: `Withdrawal of ${formatCredits(credits)} credits requested`,
      metadata: { method: profile.method, currency: profile.currency, netMinor: quote.netMinor.toString() },
      legs: [
        { account: userAccount(performerId, "earnings"), amount: -credits },
        { account: userAccount(performerId, "held"), amount: credits },
      ],
    }).catch((error: unknown) => {
      if (isDomainError(error) && error.code === "INSUFFICIENT_FUNDS") {
        throw new DomainError("INSUFFICIENT_FUNDS", "Your earnings changed meanwhile; there isn't enough for this withdrawal now.");
      }
      throw error;
    });
    const snapshot = snapshotPayoutDetails(configuration.fields, profile);
    const row = await insertWithdrawal(db, {
      performerId,
      credits,
      currency: profile.currency,
      grossMinor: quote.grossMinor,
      feeMinor: quote.feeMinor,
      netMinor: quote.netMinor,
      method: profile.method,
      payoutDetails: snapshot,
      idempotencyKey,
      holdTransactionId: hold.transactionId,
    });
    if (!row) {
      // The same key raced in on another connection and won; its hold is the one posted (replayed above).
      const winner = await selectWithdrawalByKey(db, performerId, idempotencyKey);
      if (!winner) throw new Error("withdrawal insert conflicted but no row exists");
      return replayOf(winner, credits);
    }
    await insertRequestedEvent(db, row.id, performerId);
    await announceWithdrawalChange(db, { withdrawalId: row.id, performerId, status: "REQUESTED" });
    const autoApproveBelow = configuration.policy.autoApproveBelowCredits;
    if (autoApproveBelow !== null) {
      const requestedBefore = await creditsRequestedWithin(db, performerId, row.id, AUTO_APPROVAL_WINDOW_HOURS);
      if (qualifiesForAutoApproval(credits, requestedBefore, autoApproveBelow)) {
        await applyTransition(db, row, "APPROVED", { kind: "system", id: null }, {
          note: `Approved automatically: ${formatCredits(autoApproveBelow)} credits or less requested in ${AUTO_APPROVAL_WINDOW_HOURS} hours`,
        });
      }
    }
    return { row, replayed: false };
  });

  if (!result.replayed && result.row.status === "APPROVED" && result.row.method === "STRIPE_CONNECT") {
    // Auto-approved: pay as an admin's approval would. A refusal leaves it approved, in the admin queue.
    await sendStripePayout(result.row.id, { kind: "system", id: null }).catch((error: unknown) =>
      console.error(`auto-approved withdrawal ${result.row.id} not sent to Stripe`, error),
    );
  }
  return { withdrawal: await viewOf(result.row.id), replayed: result.replayed };
}

export const withdrawalIdSchema = z.object({ id: z.uuid() });

/** The performer takes back a request an admin has not acted on yet; the hold is reversed. */
export async function cancelWithdrawal(performerId: string, input: z.input<typeof withdrawalIdSchema>): Promise<WithdrawalView> {
  const { id } = withdrawalIdSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const withdrawal = await lockWithdrawal(db, id, performerId);
    await applyTransition(db, withdrawal, "CANCELLED", { kind: "performer", id: performerId });
  });
  return viewOf(id);
}

/** One withdrawal as its performer and admins see it, with its status history. */
export async function viewOf(id: string): Promise<WithdrawalView> {
  const row = await findWithdrawal(id);
  if (!row) throw new DomainError("NOT_FOUND", "That withdrawal does not exist.");
  return toWithdrawalView(row, (await eventsFor(pool, [id])).get(id) ?? []);
}

/** The performer's own withdrawals, newest first, each with its status history. */
export async function listMyWithdrawals(performerId: string): Promise<WithdrawalView[]> {
  const rows = await listPerformerWithdrawals(performerId);
  const events = await eventsFor(pool, rows.map((row) => row.id));
  return rows.map((row) => toWithdrawalView(row, events.get(row.id) ?? []));
}
