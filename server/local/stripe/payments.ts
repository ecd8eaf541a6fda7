import type Stripe from "stripe";
import type { Caller, Context } from "./context";
import { invalidRequest, StripeApiError } from "./errors";
import { processingFee } from "./money";
import {
  approvedOutcome,
  buildBalanceTransaction,
  buildCharge,
  buildPaymentIntent,
  declinedOutcome,
  type BalanceTransactionInput,
  type Charge,
  type Metadata,
  type PaymentIntent,
  type PaymentIntentInput,
} from "./objects";
import { afterConfirmation, requireUsableFor } from "./customers";
import type { PaymentBehaviour, TestPaymentMethod } from "./payment-methods";

/**
 * The payment lifecycle: PaymentIntents and their Charges, captures, cancellations and the expiry of uncaptured
 * authorisations, with the balance transactions and events Stripe produces at each step. Refunds and disputes,
 * which come after a capture, are in refunds.ts.
 */

const UNEXPECTED_STATE = "payment_intent_unexpected_state";

/** Stripe releases an uncaptured card authorisation 7 days after it was made (`capture_before`). */
export const AUTHORIZATION_LIFETIME_SECONDS = 7 * 24 * 60 * 60;

export function recordBalanceTransaction(ctx: Context, input: BalanceTransactionInput, account: string | null = null) {
  return ctx.store.balanceTransactions.add(buildBalanceTransaction(input, ctx.clock.now()), account);
}

export function createPaymentIntent(ctx: Context, input: PaymentIntentInput, caller: Caller): PaymentIntent {
  const paymentIntent = ctx.store.paymentIntents.add(buildPaymentIntent(input, ctx.clock.now()));
  ctx.events.emit("payment_intent.created", paymentIntent, { origin: caller.origin });
  return paymentIntent;
}

export function attachPaymentMethod(paymentIntent: PaymentIntent, method: TestPaymentMethod): void {
  requireUsableFor(method, paymentIntent);
  if (!paymentIntent.payment_method_types.includes(method.type)) {
    throw invalidRequest(
      `The PaymentMethod provided (${method.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod ` +
        `of one of the following types: ${paymentIntent.payment_method_types.join(", ")}.`,
      { param: "payment_method", code: "payment_intent_incompatible_payment_method" },
    );
  }
  paymentIntent.payment_method = method.id;
  paymentIntent.status = "requires_confirmation";
}

/** Funds move: a charge is captured (fully, or partly with the rest released) and enters the balance. */
function captureCharge(ctx: Context, charge: Charge, amount: number, methodType: TestPaymentMethod["type"]): void {
  const transaction = recordBalanceTransaction(ctx, {
    amount,
    fee: processingFee(amount, methodType),
    currency: charge.currency,
    type: "charge",
    reportingCategory: "charge",
    source: charge.id,
    description: charge.description,
  });
  charge.captured = true;
  charge.amount_captured = amount;
  charge.balance_transaction = transaction.id;
  // Stripe releases the uncaptured remainder of a partial capture and reports it as refunded.
  charge.amount_refunded = charge.amount - amount;
}

export interface ConfirmOptions {
  billingEmail: string | null;
  /** Called when a delayed (bank debit) payment finally succeeds or fails. */
  onSettled?: (succeeded: boolean) => void;
}

/**
 * Confirms with the given method. A decline leaves the PaymentIntent awaiting a new method and returns the
 * card error the API answers with (402); every other outcome returns null.
 */
export function confirmPaymentIntent(
  ctx: Context,
  paymentIntent: PaymentIntent,
  method: TestPaymentMethod,
  options: ConfirmOptions,
  caller: Caller,
): StripeApiError | null {
  const confirmable = ["requires_payment_method", "requires_confirmation", "requires_action"];
  if (!confirmable.includes(paymentIntent.status)) {
    throw invalidRequest(
      `You cannot confirm this PaymentIntent because it has a status of ${paymentIntent.status}. Only a PaymentIntent ` +
        `with one of the following statuses may be confirmed: ${confirmable.join(", ")}.`,
      { code: UNEXPECTED_STATE },
    );
  }
  if (method.type === "us_bank_account" && paymentIntent.capture_method === "manual") {
    throw invalidRequest("The payment method type us_bank_account does not support capture_method=manual.", {
      param: "payment_method",
    });
  }
  attachPaymentMethod(paymentIntent, method);
  paymentIntent.last_payment_error = null;
  const { behaviour } = method;
  const declined =
    behaviour.kind === "declines"
      ? decline(ctx, paymentIntent, method, behaviour, options, caller)
      : approve(ctx, paymentIntent, method, behaviour, options, caller);
  afterConfirmation(ctx, method, paymentIntent, declined === null);
  return declined;
}

/** A method that does not decline: the charge succeeds, is held for capture, or starts processing (a bank debit). */
function approve(
  ctx: Context,
  paymentIntent: PaymentIntent,
  method: TestPaymentMethod,
  behaviour: Exclude<PaymentBehaviour, { kind: "declines" }>,
  options: ConfirmOptions,
  caller: Caller,
): null {
  const emit = { origin: caller.origin };
  const now = ctx.clock.now();
  const held = behaviour.kind === "succeeds" && paymentIntent.capture_method === "manual";
  const charge = ctx.store.charges.add(
    buildCharge(
      {
        paymentIntent,
        method,
        billingEmail: options.billingEmail,
        status: behaviour.kind === "settles_later" ? "pending" : "succeeded",
        outcome: approvedOutcome(),
        failure: null,
        captureBefore: held ? now + AUTHORIZATION_LIFETIME_SECONDS : null,
      },
      now,
    ),
  );
  paymentIntent.latest_charge = charge.id;

  if (behaviour.kind === "settles_later") {
    paymentIntent.status = "processing";
    ctx.events.emit("payment_intent.processing", paymentIntent, emit);
    ctx.events.emit("charge.pending", charge, emit);
    const settleDebit = () => settle(ctx, paymentIntent, charge, method, behaviour.succeeds, options);
    ctx.store.pendingSettlements.set(paymentIntent.id, settleDebit);
    ctx.schedule(ctx.asyncPaymentDelayMs, settleDebit);
    return null;
  }
  if (paymentIntent.capture_method === "manual") {
    paymentIntent.status = "requires_capture";
    paymentIntent.amount_capturable = paymentIntent.amount;
    ctx.events.emit("charge.succeeded", charge, emit);
    ctx.events.emit("payment_intent.amount_capturable_updated", paymentIntent, emit);
    return null;
  }
  captureCharge(ctx, charge, paymentIntent.amount, method.type);
  paymentIntent.status = "succeeded";
  paymentIntent.amount_received = paymentIntent.amount;
  ctx.events.emit("charge.succeeded", charge, emit);
  ctx.events.emit("payment_intent.succeeded", paymentIntent, emit);
  return null;
}

function decline(
  ctx: Context,
  paymentIntent: PaymentIntent,
  method: TestPaymentMethod,
  behaviour: Extract<PaymentBehaviour, { kind: "declines" }>,
  options: ConfirmOptions,
  caller: Caller,
): StripeApiError {
  const charge = ctx.store.charges.add(
    buildCharge(
      {
        paymentIntent,
        method,
        billingEmail: options.billingEmail,
        status: "failed",
        outcome: declinedOutcome(behaviour.declineCode),
        failure: { code: behaviour.code, message: behaviour.message },
        captureBefore: null,
      },
      ctx.clock.now(),
    ),
  );
  return refuse(ctx, paymentIntent, charge, behaviour, caller);
}

/**
 * The card refused the charge: the PaymentIntent waits for another payment method with Stripe's
 * `last_payment_error`, `charge.failed` and `payment_intent.payment_failed` are sent, and the 402 card error the
 * API answers with is returned.
 */
function refuse(
  ctx: Context,
  paymentIntent: PaymentIntent,
  charge: Charge,
  behaviour: Extract<PaymentBehaviour, { kind: "declines" }>,
  caller: Caller,
): StripeApiError {
  const docUrl = `https://stripe.com/docs/error-codes/${behaviour.code.replaceAll("_", "-")}`;
  paymentIntent.latest_charge = charge.id;
  paymentIntent.status = "requires_payment_method";
  paymentIntent.payment_method = null;
  paymentIntent.amount_capturable = 0;
  paymentIntent.last_payment_error = {
    charge: charge.id,
    code: behaviour.code,
    decline_code: behaviour.declineCode,
    doc_url: docUrl,
    message: behaviour.message,
    type: "card_error",
  };
  ctx.events.emit("charge.failed", charge, { origin: caller.origin });
  ctx.events.emit("payment_intent.payment_failed", paymentIntent, { origin: caller.origin });
  return new StripeApiError(402, {
    type: "card_error",
    code: behaviour.code,
    decline_code: behaviour.declineCode,
    message: behaviour.message,
    doc_url: docUrl,
    charge: charge.id,
    payment_intent: structuredClone(paymentIntent),
  });
}

function settle(
  ctx: Context,
  paymentIntent: PaymentIntent,
  charge: Charge,
  method: TestPaymentMethod,
  succeeded: boolean,
  options: ConfirmOptions,
): void {
  ctx.store.pendingSettlements.delete(paymentIntent.id);
  if (paymentIntent.status !== "processing") return;
  if (succeeded) {
    charge.status = "succeeded";
    charge.paid = true;
    captureCharge(ctx, charge, charge.amount, method.type);
    paymentIntent.status = "succeeded";
    paymentIntent.amount_received = paymentIntent.amount;
    ctx.events.emit("charge.succeeded", charge);
    ctx.events.emit("payment_intent.succeeded", paymentIntent);
  } else {
    const message = "The customer's bank account has been closed.";
    charge.status = "failed";
    charge.failure_code = "account_closed";
    charge.failure_message = message;
    paymentIntent.status = "requires_payment_method";
    paymentIntent.payment_method = null;
    paymentIntent.last_payment_error = {
      charge: charge.id,
      code: "payment_method_provider_decline",
      message,
      payment_method_type: method.type,
      type: "invalid_request_error",
    };
    ctx.events.emit("charge.failed", charge);
    ctx.events.emit("payment_intent.payment_failed", paymentIntent);
  }
  options.onSettled?.(succeeded);
}

/**
 * Settles a processing bank debit now instead of when its timer fires (a test control). One that has settled
 * already is returned as it is, so a test need not race the timer.
 */
export function settleNow(ctx: Context, paymentIntent: PaymentIntent): PaymentIntent {
  const pending = ctx.store.pendingSettlements.get(paymentIntent.id);
  if (pending) pending();
  else if (paymentIntent.latest_charge === null || !paymentIntent.payment_method_types.includes("us_bank_account")) {
    throw invalidRequest(`PaymentIntent ${paymentIntent.id} is not a bank debit that is processing or has settled.`, { code: UNEXPECTED_STATE });
  }
  return paymentIntent;
}

export interface CaptureInput {
  amountToCapture: number | undefined;
  metadata: Metadata;
}

export function capturePaymentIntent(ctx: Context, paymentIntent: PaymentIntent, input: CaptureInput, caller: Caller) {
  // The sweep runs now and then; a capture must not slip through between an authorisation's deadline and it.
  expireIfOverdue(ctx, paymentIntent);
  if (paymentIntent.status !== "requires_capture") {
    throw invalidRequest(
      `This PaymentIntent could not be captured because it has a status of ${paymentIntent.status}. Only a ` +
        "PaymentIntent with one of the following statuses may be captured: requires_capture.",
      { code: UNEXPECTED_STATE },
    );
  }
  const amount = input.amountToCapture ?? paymentIntent.amount_capturable;
  if (amount > paymentIntent.amount_capturable) {
    throw invalidRequest(
      `The amount to capture (${amount}) must be less than or equal to the amount capturable ` +
        `(${paymentIntent.amount_capturable}) on this PaymentIntent.`,
      { param: "amount_to_capture", code: "amount_too_large" },
    );
  }
  const charge = ctx.store.charges.require(String(paymentIntent.latest_charge));
  const method = ctx.store.paymentMethods.require(String(charge.payment_method));
  if (method.behaviour.kind === "declines") {
    // The emulator's choice for a card the `decline_charges` control turned off: its issuer refuses the capture
    // too (rare at Stripe for a valid hold, but an issuer can), and the hold is gone with the failed charge.
    charge.status = "failed";
    charge.paid = false;
    charge.failure_code = method.behaviour.code;
    charge.failure_message = method.behaviour.message;
    charge.outcome = declinedOutcome(method.behaviour.declineCode);
    throw refuse(ctx, paymentIntent, charge, method.behaviour, caller);
  }
  const previousAttributes = {
    amount_captured: charge.amount_captured,
    amount_refunded: charge.amount_refunded,
    balance_transaction: charge.balance_transaction,
    captured: charge.captured,
  };
  captureCharge(ctx, charge, amount, method.type);
  paymentIntent.status = "succeeded";
  paymentIntent.amount_capturable = 0;
  paymentIntent.amount_received = amount;
  paymentIntent.metadata = input.metadata;
  ctx.events.emit("charge.captured", charge, { origin: caller.origin, previousAttributes });
  ctx.events.emit("payment_intent.succeeded", paymentIntent, { origin: caller.origin });
  return paymentIntent;
}

export function cancelPaymentIntent(
  ctx: Context,
  paymentIntent: PaymentIntent,
  reason: Stripe.PaymentIntent.CancellationReason | null,
  caller: Caller,
) {
  expireIfOverdue(ctx, paymentIntent);
  const cancelable = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action"];
  if (!cancelable.includes(paymentIntent.status)) {
    throw invalidRequest(
      `You cannot cancel this PaymentIntent because it has a status of ${paymentIntent.status}. Only a PaymentIntent ` +
        `with one of the following statuses may be canceled: ${cancelable.join(", ")}.`,
      { code: UNEXPECTED_STATE },
    );
  }
  if (paymentIntent.status === "requires_capture") {
    // Releasing an authorisation: the charge shows the whole amount as refunded, nothing was ever captured.
    const charge = ctx.store.charges.require(String(paymentIntent.latest_charge));
    charge.amount_refunded = charge.amount;
    charge.refunded = true;
  }
  paymentIntent.status = "canceled";
  paymentIntent.canceled_at = ctx.clock.now();
  paymentIntent.cancellation_reason = reason;
  paymentIntent.amount_capturable = 0;
  ctx.events.emit("payment_intent.canceled", paymentIntent, { origin: caller.origin });
  return paymentIntent;
}

/**
 * What Stripe does to an authorisation still uncaptured at its charge's `capture_before`: the charge expires (shown
 * as refunded, nothing captured) and the PaymentIntent is canceled with `cancellation_reason: "automatic"`, with
 * `charge.expired` then `payment_intent.canceled`. Anything else is left as it is.
 */
function expireIfOverdue(ctx: Context, paymentIntent: PaymentIntent): void {
  if (paymentIntent.status !== "requires_capture") return;
  const charge = ctx.store.charges.require(String(paymentIntent.latest_charge));
  const captureBefore = charge.payment_method_details?.card?.capture_before;
  if (captureBefore === undefined || ctx.clock.now() < captureBefore) return;
  const chargeBefore = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded = charge.amount;
  charge.refunded = true;
  paymentIntent.status = "canceled";
  paymentIntent.canceled_at = ctx.clock.now();
  paymentIntent.cancellation_reason = "automatic";
  paymentIntent.amount_capturable = 0;
  ctx.events.emit("charge.expired", charge, { previousAttributes: chargeBefore });
  ctx.events.emit("payment_intent.canceled", paymentIntent);
}

/** Expires every authorisation past its `capture_before`, the earliest deadline first (run when the clock moves). */
export function expireOverdueAuthorizations(ctx: Context): void {
  const deadline = (paymentIntent: PaymentIntent) =>
    ctx.store.charges.get(String(paymentIntent.latest_charge))?.payment_method_details?.card?.capture_before ?? Infinity;
  const held = ctx.store.paymentIntents.list(undefined, (paymentIntent) => paymentIntent.status === "requires_capture");
  for (const paymentIntent of held.sort((a, b) => deadline(a) - deadline(b))) expireIfOverdue(ctx, paymentIntent);
}
