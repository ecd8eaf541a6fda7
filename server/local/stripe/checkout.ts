import type Stripe from "stripe";
import { CUSTOMER, type Caller, type Context } from "./context";
import { createCustomer } from "./customers";
import { invalidRequest } from "./errors";
import { newId } from "./ids";
import { buildCheckoutSession, buildCustomerDetails, buildLineItem, type LineItemInput, type Session } from "./objects";
import { resolvePaymentMethod } from "./payment-methods";
import { cancelPaymentIntent, confirmPaymentIntent, createPaymentIntent } from "./payments";
import type { SessionExtras } from "./store";

export interface SessionRequest {
  lineItems: LineItemInput[];
  successUrl: string;
  cancelUrl: string | null;
  clientReferenceId: string | null;
  customerEmail: string | null;
  metadata: Record<string, string>;
  expiresAt: number | undefined;
  locale: Stripe.Checkout.Session.Locale | null;
  submitType: Stripe.Checkout.Session.SubmitType | null;
  paymentMethodTypes: string[];
  paymentIntentData: SessionExtras["paymentIntentData"];
  customer: string | null;
  customerCreation: Stripe.Checkout.Session.CustomerCreation | null;
}

const DAY = 24 * 60 * 60;

export function createSession(ctx: Context, request: SessionRequest): Session {
  const currency = request.lineItems[0]?.currency ?? "usd";
  const now = ctx.clock.now();
  const expiresAt = request.expiresAt ?? now + DAY;
  if (expiresAt < now + 30 * 60 || expiresAt > now + DAY) {
    throw invalidRequest("The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.", {
      param: "expires_at",
    });
  }
  const lineItems = request.lineItems.map((item) => buildLineItem(item, now));
  const id = newId("cs_test");
  const session = buildCheckoutSession({
    id,
    url: `${ctx.baseUrl}/pay/${id}`,
    currency,
    amountTotal: lineItems.reduce((sum, item) => sum + item.amount_total, 0),
    successUrl: request.successUrl,
    cancelUrl: request.cancelUrl,
    clientReferenceId: request.clientReferenceId,
    customerEmail: request.customerEmail,
    metadata: request.metadata,
    expiresAt,
    locale: request.locale,
    submitType: request.submitType,
    paymentMethodTypes: request.paymentMethodTypes,
    customer: request.customer,
    customerCreation: request.customerCreation,
  }, now);
  ctx.store.sessionExtras.set(id, { lineItems, paymentIntentData: request.paymentIntentData });
  return ctx.store.sessions.add(session);
}

export function sessionExtras(ctx: Context, session: Session): SessionExtras {
  const extras = ctx.store.sessionExtras.get(session.id);
  if (!extras) throw new Error(`Stripe emulator: session ${session.id} has no line items stored`);
  return extras;
}

export function expireSession(ctx: Context, session: Session, caller: Caller): Session {
  if (session.status !== "open") {
    throw invalidRequest(`Only Checkout Sessions with a status of open can be expired; this one is ${session.status}.`, {
      code: "checkout_session_not_open",
    });
  }
  const paymentIntent = session.payment_intent ? ctx.store.paymentIntents.get(String(session.payment_intent)) : undefined;
  if (paymentIntent?.status === "requires_payment_method") cancelPaymentIntent(ctx, paymentIntent, "abandoned", caller);
  session.status = "expired";
  session.url = null;
  ctx.events.emit("checkout.session.expired", session, { origin: caller.origin });
  return session;
}

/** Sessions left open past `expires_at` expire, as Stripe does on its own. */
export function expireOverdueSessions(ctx: Context): void {
  const now = ctx.clock.now();
  for (const session of ctx.store.sessions.list(undefined, (s) => s.status === "open" && s.expires_at <= now)) {
    expireSession(ctx, session, CUSTOMER);
  }
}

/** The pay page's buttons, each a Stripe test payment method. */
export const PAY_CHOICES = {
  pay: "pm_card_visa",
  decline: "pm_card_chargeDeclined",
  delayed: "pm_usBankAccount_success",
  delayed_fail: "pm_usBankAccount_accountClosed",
} as const;
export type PayChoice = keyof typeof PAY_CHOICES;

/** The Customer the payment is for: the session's own, or one Checkout creates with `customer_creation=always`. */
function customerOf(ctx: Context, session: Session, email: string): string | null {
  if (typeof session.customer === "string") return session.customer;
  if (session.customer_creation !== "always") return null;
  session.customer = createCustomer(ctx, { email, name: null, description: null, metadata: {} }, CUSTOMER).id;
  return session.customer;
}

export type PayResult = { outcome: "completed"; redirectTo: string } | { outcome: "declined"; message: string };

/**
 * What happens when the customer submits the pay page: Checkout creates the PaymentIntent (or reuses the one a
 * declined attempt left), confirms it, and completes the session unless the payment was declined.
 */
export function paySession(ctx: Context, session: Session, choice: PayChoice, email: string): PayResult {
  const { paymentIntentData: data } = sessionExtras(ctx, session);
  const method = resolvePaymentMethod(ctx, PAY_CHOICES[choice]);
  const customer = customerOf(ctx, session, email);
  const previous = session.payment_intent ? ctx.store.paymentIntents.get(String(session.payment_intent)) : undefined;
  const paymentIntent =
    previous?.status === "requires_payment_method"
      ? previous
      : createPaymentIntent(
          ctx,
          {
            amount: session.amount_total ?? 0,
            currency: session.currency ?? "usd",
            captureMethod: data.captureMethod,
            metadata: data.metadata,
            description: data.description,
            receiptEmail: data.receiptEmail,
            statementDescriptor: data.statementDescriptor,
            statementDescriptorSuffix: data.statementDescriptorSuffix,
            transferGroup: data.transferGroup,
            paymentMethodTypes: [method.type],
            customer,
            setupFutureUsage: data.setupFutureUsage,
          },
          CUSTOMER,
        );
  session.payment_intent = paymentIntent.id;
  // Checkout lets the customer pick any offered method, whatever the previous attempt used.
  paymentIntent.payment_method_types = [method.type];
  const declined = confirmPaymentIntent(
    ctx,
    paymentIntent,
    method,
    { billingEmail: email, onSettled: (succeeded) => settleSession(ctx, session, succeeded) },
    CUSTOMER,
  );
  if (declined) return { outcome: "declined", message: declined.message };

  session.status = "complete";
  session.payment_status = paymentIntent.status === "succeeded" ? "paid" : "unpaid";
  session.customer_details = buildCustomerDetails(email);
  session.url = null;
  ctx.events.emit("checkout.session.completed", session);
  return { outcome: "completed", redirectTo: session.success_url?.replaceAll("{CHECKOUT_SESSION_ID}", session.id) ?? "/" };
}

function settleSession(ctx: Context, session: Session, succeeded: boolean): void {
  if (succeeded) {
    session.payment_status = "paid";
    ctx.events.emit("checkout.session.async_payment_succeeded", session);
  } else {
    ctx.events.emit("checkout.session.async_payment_failed", session);
  }
}
