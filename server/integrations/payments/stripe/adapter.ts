import "server-only";
import Stripe from "stripe";
import {
  type Authorization,
  type AuthorizationState,
  type Checkout,
  type CheckoutPayment,
  type ConnectedAccount,
  type Dispute,
  type EventSubject,
  type Payment,
  type PaymentGateway,
  PaymentGatewayError,
  type Payout,
} from "../gateway";
import { stripe } from "./client";
import { describePaymentMethod } from "./payment-method";
import { normaliseEvent, verifyStripeWebhook } from "./webhooks";

/**
 * The Stripe adapter: Checkout Sessions for checkouts, PaymentIntents for payments and manual capture, Charges
 * for what refunds and disputes are about, Connect (Express accounts, transfers, payouts on the connected
 * account) for payouts, and Stripe-Signature for webhooks. Every call goes through the shared SDK client, so
 * tests that spy on `stripe()` see the adapter's calls.
 */

/** The id of an expandable field, whether Stripe sent the id or the expanded object. */
function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** Stripe's integer amount; ours are bigints, and one beyond a safe integer is a bug, not a payment. */
function stripeAmount(amountMinor: bigint): number {
  if (amountMinor < 0n || amountMinor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount ${amountMinor} out of range for Stripe`);
  return Number(amountMinor);
}

/** Stripe's errors in the gateway's terms; anything else (a bug, a TypeError) is left as it is. */
function gatewayError(error: unknown): unknown {
  if (error instanceof Stripe.errors.StripeInvalidRequestError) return new PaymentGatewayError("refused", error.message, error.statusCode === 404);
  if (error instanceof Stripe.errors.StripeCardError) return new PaymentGatewayError("declined", error.message);
  if (error instanceof Stripe.errors.StripeError) return new PaymentGatewayError("unavailable", error.message);
  return error;
}

async function call<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    throw gatewayError(error);
  }
}

/** The success URL with Stripe's placeholder, which it replaces with the session id on the way back. */
function withSessionId(url: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}session_id={CHECKOUT_SESSION_ID}`;
}

/**
 * A completed session that is still unpaid has a payment that is one of: held for a later capture, captured since,
 * an async payment on its way, or one that failed (or whose hold was released). Its PaymentIntent says which.
 */
async function checkoutPayment(session: Stripe.Checkout.Session): Promise<CheckoutPayment> {
  if (session.payment_status === "paid") return "paid";
  const intentId = idOf(session.payment_intent);
  if (session.status !== "complete" || !intentId) return "unpaid";
  const intent = await stripe().paymentIntents.retrieve(intentId);
  switch (intent.status) {
    case "requires_capture":
      return "authorized";
    case "succeeded":
      return "paid";
    case "requires_payment_method":
    case "canceled":
      return "failed";
    default:
      return "unpaid";
  }
}

function checkoutStatus(status: Stripe.Checkout.Session.Status | null): Checkout["status"] {
  if (status === "complete") return "complete";
  if (status === "expired") return "expired";
  return "open";
}

async function checkoutOf(session: Stripe.Checkout.Session): Promise<Checkout> {
  const payment = await checkoutPayment(session);
  return {
    id: session.id,
    url: session.url,
    status: checkoutStatus(session.status),
    payment,
    paymentId: idOf(session.payment_intent),
    amountMinor: BigInt(session.amount_total ?? 0),
    currency: session.currency ?? "",
    metadata: session.metadata ?? {},
    reference: session.client_reference_id,
  };
}

function paymentOf(charge: Stripe.Charge): Payment {
  return {
    chargeId: charge.id,
    paymentId: idOf(charge.payment_intent),
    amountMinor: BigInt(charge.amount),
    currency: charge.currency,
    refundedMinor: BigInt(charge.amount_refunded),
  };
}

function authorizationStatus(intent: Stripe.PaymentIntent): AuthorizationState["status"] {
  switch (intent.status) {
    case "requires_capture":
      return "authorized";
    case "succeeded":
      return "captured";
    case "canceled":
      return "canceled";
    case "requires_payment_method":
      // Back to waiting for a card after an attempt: the card refused it (at authorisation or at capture).
      return intent.last_payment_error ? "failed" : "pending";
    default:
      return "pending";
  }
}

/** Stripe's `cancellation_reason` in the gateway's words: its own release of an expired hold is "expired". */
function canceledBecause(intent: Stripe.PaymentIntent): string | null {
  if (intent.status !== "canceled") return null;
  switch (intent.cancellation_reason) {
    case "automatic":
    case "expired":
      return "expired";
    case null:
    case "requested_by_customer":
      return "requested";
    default:
      return intent.cancellation_reason;
  }
}

function authorizationOf(intent: Stripe.PaymentIntent): AuthorizationState {
  return {
    id: intent.id,
    status: authorizationStatus(intent),
    amountMinor: BigInt(intent.amount),
    capturableMinor: BigInt(intent.amount_capturable),
    capturedMinor: BigInt(intent.amount_received),
    currency: intent.currency,
    metadata: intent.metadata ?? {},
    canceledBecause: canceledBecause(intent),
  };
}

function disputeOf(dispute: Stripe.Dispute): Dispute {
  return { id: dispute.id, amountMinor: BigInt(dispute.amount), status: dispute.status === "won" ? "won" : dispute.status === "lost" ? "lost" : "open" };
}

function accountOf(account: Stripe.Account): ConnectedAccount {
  return {
    id: account.id,
    payoutsEnabled: account.payouts_enabled ?? false,
    transfersEnabled: account.capabilities?.transfers === "active",
    detailsSubmitted: account.details_submitted ?? false,
  };
}

function payoutOf(payout: Stripe.Payout): Payout {
  return { id: payout.id, status: payout.status as Payout["status"], failure: payout.failure_message ?? payout.failure_code ?? null };
}

async function sessionClosed(sessionId: string): Promise<Checkout> {
  const session = await stripe().checkout.sessions.retrieve(sessionId);
  if (session.status !== "open") return checkoutOf(session);
  try {
    return await checkoutOf(await stripe().checkout.sessions.expire(sessionId));
  } catch (error) {
    // Paid or started meanwhile: it can't be expired any more, and is read back as it is.
    if (error instanceof Stripe.errors.StripeInvalidRequestError) return checkoutOf(await stripe().checkout.sessions.retrieve(sessionId));
    throw error;
  }
}

async function authorizeOffSession(request: Parameters<PaymentGateway["authorize"]>[0]): Promise<Authorization> {
  try {
    const intent = await stripe().paymentIntents.create(
      {
        amount: stripeAmount(request.amountMinor),
        currency: request.currency.toLowerCase(),
        capture_method: "manual",
        confirm: true,
        off_session: true,
        customer: request.customer,
        payment_method: request.paymentMethod,
        description: request.description,
        metadata: request.metadata,
      },
      { idempotencyKey: request.idempotencyKey },
    );
    if (intent.status === "requires_capture") return { status: "authorized", id: intent.id, amountMinor: BigInt(intent.amount_capturable) };
    return { status: "declined", id: intent.id, reason: `The card could not be charged without the member (${intent.status}).` };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError) return { status: "declined", id: error.payment_intent?.id ?? null, reason: error.message };
    throw gatewayError(error);
  }
}

async function subjectOf(topic: string, objectId: string): Promise<EventSubject | null> {
  switch (topic) {
    case "checkout":
      return { kind: "checkout", checkout: await checkoutOf(await stripe().checkout.sessions.retrieve(objectId)) };
    case "refund":
      return { kind: "refund", payment: paymentOf(await stripe().charges.retrieve(objectId)) };
    case "authorization":
      return { kind: "authorization", authorization: authorizationOf(await stripe().paymentIntents.retrieve(objectId)) };
    case "dispute": {
      const dispute = await stripe().disputes.retrieve(objectId);
      const chargeId = idOf(dispute.charge);
      return chargeId ? { kind: "dispute", dispute: disputeOf(dispute), payment: paymentOf(await stripe().charges.retrieve(chargeId)) } : null;
    }
    default:
      return null;
  }
}

export const stripeGateway: PaymentGateway = {
  id: "stripe",
  name: "Stripe",

  async createCustomer(request) {
    const customer = await call(
      stripe().customers.create({ email: request.email, metadata: request.metadata }, { idempotencyKey: request.idempotencyKey }),
    );
    return customer.id;
  },

  async createCheckout(request) {
    const { metadata } = request;
    const session = await call(
      stripe().checkout.sessions.create(
        {
          mode: "payment",
          ...(request.reference ? { client_reference_id: request.reference } : {}),
          // Stripe takes a customer or an email, never both; a saved card's customer has its own.
          ...(request.saveCardFor ? { customer: request.saveCardFor } : { customer_email: request.customerEmail }),
          metadata,
          payment_intent_data: {
            metadata,
            ...(request.saveCardFor ? { setup_future_usage: "off_session" as const } : {}),
            ...(request.captureLater ? { capture_method: "manual" as const } : {}),
          },
          line_items: [
            {
              quantity: 1,
              price_data: { currency: request.currency, unit_amount: stripeAmount(request.amountMinor), product_data: { name: request.description } },
            },
          ],
          ...(request.expiresAt ? { expires_at: Math.floor(request.expiresAt.getTime() / 1000) } : {}),
          success_url: withSessionId(request.successUrl),
          cancel_url: request.cancelUrl,
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return checkoutOf(session);
  },

  readCheckout: (checkoutId) => call(stripe().checkout.sessions.retrieve(checkoutId).then(checkoutOf)),

  closeCheckout: (checkoutId) => call(sessionClosed(checkoutId)),

  paymentMetadata: (paymentId) => call(stripe().paymentIntents.retrieve(paymentId).then((intent) => intent.metadata ?? {})),

  async paymentMethodOf(paymentId) {
    const intent = await call(stripe().paymentIntents.retrieve(paymentId, { expand: ["latest_charge", "payment_method"] }));
    const charge = intent.latest_charge;
    if (!charge || typeof charge === "string") return null;
    const reference = charge.payment_method ?? idOf(intent.payment_method);
    // A declined attempt leaves the intent without its method; the charge still names it.
    const method =
      intent.payment_method && typeof intent.payment_method !== "string" && intent.payment_method.id === reference
        ? intent.payment_method
        : reference
          ? await call(stripe().paymentMethods.retrieve(reference))
          : null;
    return { reference, label: describePaymentMethod(charge.payment_method_details), customer: idOf(method?.customer) };
  },

  async processorFee(paymentId) {
    const intent = await call(stripe().paymentIntents.retrieve(paymentId, { expand: ["latest_charge.balance_transaction"] }));
    const charge = intent.latest_charge;
    if (!charge || typeof charge === "string") return null;
    const balance = charge.balance_transaction;
    if (!balance || typeof balance === "string") return null;
    return { feeMinor: BigInt(balance.fee), currency: balance.currency };
  },

  async refund(request) {
    const refund = await call(
      stripe().refunds.create(
        {
          payment_intent: request.paymentId,
          ...(request.amountMinor === undefined ? {} : { amount: stripeAmount(request.amountMinor) }),
          metadata: request.metadata,
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { id: refund.id };
  },

  authorize: authorizeOffSession,

  readAuthorization: (authorizationId) => call(stripe().paymentIntents.retrieve(authorizationId).then(authorizationOf)),

  async capture(authorizationId, amountMinor) {
    const intent = await call(
      stripe().paymentIntents.capture(authorizationId, amountMinor === undefined ? {} : { amount_to_capture: stripeAmount(amountMinor) }),
    );
    return { id: intent.id, capturedMinor: BigInt(intent.amount_received) };
  },

  async cancelAuthorization(authorizationId) {
    await call(stripe().paymentIntents.cancel(authorizationId));
  },

  async createConnectedAccount(request) {
    const account = await call(
      stripe().accounts.create(
        {
          type: "express",
          country: request.country,
          email: request.email,
          capabilities: { transfers: { requested: true } },
          metadata: request.metadata,
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return accountOf(account);
  },

  async onboardingLink(accountId, urls) {
    const link = await call(
      stripe().accountLinks.create({ account: accountId, type: "account_onboarding", refresh_url: urls.refreshUrl, return_url: urls.returnUrl }),
    );
    return { url: link.url };
  },

  connectedAccount: (accountId) => call(stripe().accounts.retrieve(accountId).then(accountOf)),

  async transfer(request) {
    const transfer = await call(
      stripe().transfers.create(
        {
          amount: stripeAmount(request.amountMinor),
          currency: request.currency,
          destination: request.accountId,
          transfer_group: request.group,
          metadata: request.metadata,
          description: request.description,
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { id: transfer.id };
  },

  async payout(request) {
    const payout = await call(
      stripe().payouts.create(
        { amount: stripeAmount(request.amountMinor), currency: request.currency, metadata: request.metadata, description: request.description },
        { stripeAccount: request.accountId, idempotencyKey: request.idempotencyKey },
      ),
    );
    return payoutOf(payout);
  },

  readPayout: (accountId, payoutId) =>
    call(stripe().payouts.retrieve(payoutId, {}, accountId ? { stripeAccount: accountId } : undefined).then(payoutOf)),

  async reverseTransfer(transferId, request) {
    try {
      const reversal = await stripe().transfers.createReversal(transferId, { metadata: request.metadata }, { idempotencyKey: request.idempotencyKey });
      return { reversed: true, id: reversal.id };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError) return { reversed: false, reason: `Stripe: ${error.message}` };
      throw gatewayError(error);
    }
  },

  verifyWebhook: (rawBody, headers, nowMs) => normaliseEvent(verifyStripeWebhook(rawBody, headers.get("stripe-signature"), nowMs)),

  async readSubject(event) {
    if (event.objectId === null) return null;
    try {
      return await subjectOf(event.topic, event.objectId);
    } catch (error) {
      // A signed event about an object Stripe does not know is ignored rather than retried forever.
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return null;
      throw gatewayError(error);
    }
  },
};
