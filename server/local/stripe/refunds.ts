import type Stripe from "stripe";
import type { Caller, Context } from "./context";
import { invalidRequest } from "./errors";
import { DISPUTE_FEE, formatAmount } from "./money";
import { buildDispute, buildRefund, type Charge, type Dispute, type Metadata, type Refund } from "./objects";
import { recordBalanceTransaction } from "./payments";

/** Money given back after a capture: refunds, and disputes opened and closed, with their balance transactions and events. */

function refundedByRefunds(ctx: Context, charge: Charge): number {
  return ctx.store.refunds
    .list(undefined, (refund) => refund.charge === charge.id && refund.status === "succeeded")
    .reduce((sum, refund) => sum + refund.amount, 0);
}

export interface RefundRequest {
  charge: Charge;
  amount: number | undefined;
  reason: Stripe.Refund.Reason | null;
  metadata: Metadata;
}

export function createRefund(ctx: Context, request: RefundRequest, caller: Caller): Refund {
  const { charge } = request;
  if (charge.status !== "succeeded" || !charge.captured) {
    const why = charge.status === "succeeded" ? "has not been captured; cancel its PaymentIntent to release it" : `is ${charge.status}`;
    throw invalidRequest(`Charge ${charge.id} ${why}, so it cannot be refunded.`, { code: "charge_not_refundable" });
  }
  const openDispute = ctx.store.disputes.list(undefined, (d) => d.charge === charge.id && d.status !== "won")[0];
  if (openDispute) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: "charge_disputed" });
  }
  const remaining = charge.amount_captured - refundedByRefunds(ctx, charge);
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded" });
  }
  const amount = request.amount ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge ` +
        `(${formatAmount(remaining, charge.currency)})`,
      { param: "amount" },
    );
  }
  const refund = ctx.store.refunds.add(
    buildRefund({ charge, amount, reason: request.reason, metadata: request.metadata }, ctx.clock.now()),
  );
  refund.balance_transaction = recordBalanceTransaction(ctx, {
    amount: -amount,
    fee: 0,
    currency: charge.currency,
    type: "refund",
    reportingCategory: "refund",
    source: refund.id,
    description: "REFUND FOR CHARGE",
  }).id;
  const previousAttributes = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  ctx.events.emit("refund.created", refund, { origin: caller.origin });
  ctx.events.emit("charge.refunded", charge, { origin: caller.origin, previousAttributes });
  return refund;
}

export interface DisputeRequest {
  charge: Charge;
  amount: number | undefined;
  reason: string;
}

export function createDispute(ctx: Context, request: DisputeRequest): Dispute {
  const { charge } = request;
  if (charge.status !== "succeeded" || !charge.captured) {
    throw invalidRequest(`Charge ${charge.id} was not captured, so it cannot be disputed.`, { param: "charge" });
  }
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} already has a dispute.`, { param: "charge" });
  const amount = request.amount ?? charge.amount_captured;
  if (amount > charge.amount_captured) {
    throw invalidRequest(`The dispute amount (${amount}) exceeds the captured amount (${charge.amount_captured}).`, {
      param: "amount",
    });
  }
  const dispute = ctx.store.disputes.add(buildDispute({ charge, amount, reason: request.reason }, ctx.clock.now()));
  const withdrawal = recordBalanceTransaction(ctx, {
    amount: -amount,
    fee: DISPUTE_FEE,
    currency: charge.currency,
    type: "adjustment",
    reportingCategory: "dispute",
    source: dispute.id,
    description: `Chargeback withdrawal for ${charge.id}`,
  });
  dispute.balance_transactions = [withdrawal];
  charge.disputed = true;
  ctx.events.emit("charge.dispute.created", dispute);
  ctx.events.emit("charge.dispute.funds_withdrawn", dispute);
  return dispute;
}

export function closeDispute(ctx: Context, dispute: Dispute, outcome: "won" | "lost", caller: Caller): Dispute {
  if (dispute.status === "won" || dispute.status === "lost") {
    throw invalidRequest(`Dispute ${dispute.id} is already closed (${dispute.status}).`, { code: "dispute_already_closed" });
  }
  const previousAttributes = { status: dispute.status };
  dispute.status = outcome;
  dispute.is_charge_refundable = false;
  if (outcome === "won") {
    const reinstatement = recordBalanceTransaction(ctx, {
      amount: dispute.amount,
      fee: -DISPUTE_FEE,
      currency: dispute.currency,
      type: "adjustment",
      reportingCategory: "dispute_reversal",
      source: dispute.id,
      description: `Chargeback reversal for ${String(dispute.charge)}`,
    });
    dispute.balance_transactions = [...dispute.balance_transactions, reinstatement];
  }
  ctx.events.emit("charge.dispute.closed", dispute, { origin: caller.origin, previousAttributes });
  if (outcome === "won") ctx.events.emit("charge.dispute.funds_reinstated", dispute, { origin: caller.origin });
  return dispute;
}
