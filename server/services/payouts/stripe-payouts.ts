import "server-only";
import { pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type PayoutDetailsSnapshot, withdrawalKeys } from "@/server/domain/payouts";
import { type GatewayEvent, PaymentGatewayError, type TransferReversal, payments } from "@/server/integrations/payments";
import type { WithdrawalStatus } from "@/server/generated/prisma/enums";
import { insertStripeEvent } from "../purchases/queries";
import { setStripeTransfer } from "./queries";
import { type TransitionActor, type WithdrawalRow, applyTransition, findWithdrawal, lockWithdrawal } from "./withdrawal-state";

/**
 * Withdrawals paid through Stripe Connect: a transfer from the platform to the performer's connected account,
 * then a payout from that account to their bank (Stripe-Account header), each under an idempotency key derived
 * from the withdrawal, so a retry never pays twice. The withdrawal is PROCESSING until Stripe's payout.paid or
 * payout.failed webhook, which (re-reading the payout from Stripe, the truth) marks it PAID or FAILED.
 *
 * A failed payout leaves the money in the performer's Stripe account, not ours: the transfer is reversed first
 * (keyed by the withdrawal) and only then are the credits returned. If Stripe refuses the reversal (the money
 * has left that account meanwhile), the withdrawal NEEDS_RECONCILIATION: the credits stay held for an admin.
 */

const SYSTEM: TransitionActor = { kind: "system", id: null };

function stripeRefusal(error: unknown): never {
  if (error instanceof PaymentGatewayError) {
    throw new DomainError("PRECONDITION_FAILED", `${payments().name} refused the payout: ${error.message}`);
  }
  throw error;
}

/** Refuses, before anything is approved, a connected account that can't take a transfer and pay it out. */
export async function assertStripeAccountReady(snapshot: PayoutDetailsSnapshot): Promise<void> {
  if (!snapshot.stripeAccountId) throw new DomainError("PRECONDITION_FAILED", "This withdrawal names no Stripe account.");
  const account = await payments().connectedAccount(snapshot.stripeAccountId).catch(stripeRefusal);
  if (!account.payoutsEnabled || !account.transfersEnabled) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "The performer's Stripe account can't receive payouts yet (onboarding is unfinished). Ask them to complete it, or reject the request.",
    );
  }
}

/**
 * Sends an approved Stripe withdrawal: transfer, payout, then PROCESSING. A failure leaves it APPROVED, so an
 * admin can send it again (the same keys replay what already happened) or reject it while no money moved.
 */
export async function sendStripePayout(withdrawalId: string, actor: TransitionActor): Promise<void> {
  const withdrawal = await findWithdrawal(withdrawalId);
  if (!withdrawal) throw new DomainError("NOT_FOUND", "That withdrawal does not exist.");
  if (withdrawal.method !== "STRIPE_CONNECT") throw new DomainError("BAD_REQUEST", "This withdrawal is not paid through Stripe.");
  if (withdrawal.status !== "APPROVED") throw new DomainError("CONFLICT", `This withdrawal is ${withdrawal.status.toLowerCase()}; only an approved one can be sent.`);
  const accountId = withdrawal.payout_details.stripeAccountId;
  if (!accountId) throw new DomainError("PRECONDITION_FAILED", "This withdrawal names no Stripe account.");

  const amountMinor = BigInt(withdrawal.net_minor);
  const currency = withdrawal.currency.toLowerCase();
  const metadata = { withdrawal_id: withdrawal.id };
  if (!withdrawal.stripe_transfer_id) {
    const transfer = await payments()
      .transfer({
        accountId,
        amountMinor,
        currency,
        group: `withdrawal_${withdrawal.id}`,
        metadata,
        description: "Tipmeter earnings",
        idempotencyKey: withdrawalKeys.stripeTransfer(withdrawal.id),
      })
      .catch(stripeRefusal);
    // Recorded at once: from here on money sits in the performer's Stripe account, so rejecting is no longer safe.
    await setStripeTransfer(pool, withdrawal.id, transfer.id);
  }
  const payout = await payments()
    .payout({ accountId, amountMinor, currency, metadata, description: "Tipmeter earnings", idempotencyKey: withdrawalKeys.stripePayout(withdrawal.id) })
    .catch(stripeRefusal);

  await withTransaction(pool, async (db) => {
    const locked = await lockWithdrawal(db, withdrawal.id);
    // The payout's webhook may have got here first and moved it on.
    if (locked.status !== "APPROVED") return;
    await applyTransition(db, locked, "PROCESSING", actor, { stripePayoutId: payout.id, note: `Stripe payout ${payout.id}` });
  });
}

/** The withdrawal a payout event is about: by the payout id stored on it, else the payload's metadata (then re-read). */
async function withdrawalForPayout(event: GatewayEvent): Promise<string | null> {
  if (!event.objectId) return null;
  const byPayout = await prisma.withdrawal.findFirst({ where: { stripePayoutId: event.objectId }, select: { id: true } });
  if (byPayout) return byPayout.id;
  const id = event.claimedMetadata.withdrawal_id;
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  const byMetadata = await prisma.withdrawal.findUnique({ where: { id }, select: { id: true } });
  return byMetadata?.id ?? null;
}

/**
 * payout.paid / payout.failed / payout.canceled on a connected account. Deduplicated by event id in the same
 * transaction as the status change and its postings; any order or replay of deliveries ends the same way.
 */
export async function handlePayoutEvent(event: GatewayEvent): Promise<"processed" | "duplicate" | "ignored"> {
  const withdrawalId = await withdrawalForPayout(event);
  if (!withdrawalId || !event.objectId) {
    await prisma.stripeEvent.createMany({ data: [{ id: event.id, type: event.type }], skipDuplicates: true });
    return "ignored";
  }
  const payout = await payments(event.gateway).readPayout(event.account, event.objectId);
  const failed = payout.status === "failed" || payout.status === "canceled";
  const before = await findWithdrawal(withdrawalId);
  // The reversal is a network call, so it is made before the transaction, for any withdrawal this failure can still undo.
  const reversal = failed && before && REVERSIBLE_FROM.includes(before.status) ? await reverseTransfer(before) : null;

  return withTransaction(pool, async (db) => {
    if (!(await insertStripeEvent(db, event.id, event.type))) return "duplicate";
    const withdrawal = await lockWithdrawal(db, withdrawalId);
    const arrived = payout.status === "paid";
    if ((arrived || failed) && withdrawal.status === "APPROVED") {
      await applyTransition(db, withdrawal, "PROCESSING", SYSTEM, { stripePayoutId: payout.id, note: `Stripe payout ${payout.id}` });
    }
    if (arrived && withdrawal.status === "PROCESSING") {
      await applyTransition(db, withdrawal, "PAID", SYSTEM, { reference: payout.id, note: `Stripe payout ${payout.id} arrived` });
    }
    if (failed && PAYOUT_UNDONE_FROM.includes(withdrawal.status)) {
      const why = payout.failure ?? `Stripe payout ${payout.status}`;
      if (!reversal) throw new Error(`withdrawal ${withdrawal.id} changed while its payout failure was handled; Stripe will retry`);
      if (reversal.reversed) {
        await applyTransition(db, withdrawal, "FAILED", SYSTEM, { note: `${why} The transfer was reversed (${reversal.id}).` });
      } else {
        await applyTransition(db, withdrawal, "NEEDS_RECONCILIATION", SYSTEM, {
          note: `${why} The transfer could not be reversed (${reversal.reason}); the credits stay held until an admin reconciles it.`,
        });
      }
    }
    return "processed";
  });
}

/** Where a failed payout is undone from: sent, or reported paid before the bank returned it. */
const PAYOUT_UNDONE_FROM: readonly WithdrawalStatus[] = ["PROCESSING", "PAID"];
/** Those, and approved: the failure may arrive before sending marked the withdrawal processing. */
const REVERSIBLE_FROM: readonly WithdrawalStatus[] = ["APPROVED", ...PAYOUT_UNDONE_FROM];

/**
 * Takes the withdrawal's transfer back from the performer's Stripe account, once (the key is the withdrawal's).
 * A refusal is an outcome (the withdrawal is then held for reconciliation); Stripe unreachable is an error, so
 * the webhook answers 500 and Stripe retries.
 */
async function reverseTransfer(withdrawal: WithdrawalRow): Promise<TransferReversal> {
  if (!withdrawal.stripe_transfer_id) return { reversed: false, reason: "no transfer recorded" };
  return payments().reverseTransfer(withdrawal.stripe_transfer_id, {
    metadata: { withdrawal_id: withdrawal.id },
    idempotencyKey: withdrawalKeys.stripeTransferReversal(withdrawal.id),
  });
}
