import type { Caller, Context } from "./context";
import { invalidRequest, StripeApiError } from "./errors";
import { buildCustomer, buildPaymentMethod, type Customer, type CustomerInput, type PaymentIntent, type PaymentMethod } from "./objects";
import type { TestPaymentMethod } from "./payment-methods";

/**
 * Customers and the PaymentMethods saved on them, with Stripe's reuse rule: a PaymentMethod can be used again
 * (off-session, for a later PaymentIntent) only while it is attached to a Customer and the PaymentIntent names
 * that Customer. One used without a Customer, or detached, is consumed.
 */

// Stripe's own wording for a consumed PaymentMethod.
const CONSUMED_MESSAGE =
  "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a " +
  "connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use " +
  "a PaymentMethod multiple times, you must attach it to a Customer first.";

export function createCustomer(ctx: Context, input: CustomerInput, caller: Caller): Customer {
  const customer = ctx.store.customers.add(buildCustomer(input, ctx.clock.now()));
  ctx.events.emit("customer.created", customer, { origin: caller.origin });
  return customer;
}

export function updateCustomer(ctx: Context, customer: Customer, changes: Partial<CustomerInput>, caller: Caller): Customer {
  const previousAttributes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes) as [keyof CustomerInput, unknown][]) {
    if (value === undefined) continue;
    previousAttributes[field] = customer[field];
    Object.assign(customer, { [field]: value });
  }
  ctx.events.emit("customer.updated", customer, { origin: caller.origin, previousAttributes });
  return customer;
}

export function attachToCustomer(ctx: Context, method: TestPaymentMethod, customer: Customer, caller: Caller): PaymentMethod {
  if (method.customer === customer.id) return buildPaymentMethod(method);
  if (method.customer !== null) {
    throw invalidRequest("The payment method you provided has already been attached to a customer.", { param: "customer" });
  }
  if (method.consumed) throw invalidRequest(CONSUMED_MESSAGE, { param: "payment_method" });
  const { behaviour } = method;
  if (behaviour.kind === "declines" && !method.attachesDespiteDeclines) {
    // Attaching a card checks it with the issuer; a card that declines every charge cannot be saved.
    throw new StripeApiError(402, {
      type: "card_error",
      code: behaviour.code,
      decline_code: behaviour.declineCode,
      message: behaviour.message,
      param: "",
      doc_url: `https://stripe.com/docs/error-codes/${behaviour.code.replaceAll("_", "-")}`,
    });
  }
  method.customer = customer.id;
  const attached = buildPaymentMethod(method);
  ctx.events.emit("payment_method.attached", attached, { origin: caller.origin });
  return attached;
}

export function detachFromCustomer(ctx: Context, method: TestPaymentMethod, caller: Caller): PaymentMethod {
  if (method.customer === null) {
    throw invalidRequest(`The payment method ${method.id} is not attached to a customer so detachment is impossible.`, {
      param: "payment_method",
    });
  }
  const previousAttributes = { customer: method.customer };
  method.customer = null;
  method.consumed = true;
  const detached = buildPaymentMethod(method);
  ctx.events.emit("payment_method.detached", detached, { origin: caller.origin, previousAttributes });
  return detached;
}

/** Stripe's rule for putting a PaymentMethod on a PaymentIntent: a saved one only for its own Customer. */
export function requireUsableFor(method: TestPaymentMethod, paymentIntent: PaymentIntent): void {
  const customer = typeof paymentIntent.customer === "string" ? paymentIntent.customer : (paymentIntent.customer?.id ?? null);
  if (method.customer !== null && customer === null) {
    throw invalidRequest(
      `The provided PaymentMethod ${method.id} belongs to a Customer, but you did not provide a Customer ID. Please ` +
        "include the Customer the PaymentMethod is attached to (customer) when using it.",
      { param: "payment_method" },
    );
  }
  if (method.customer !== null && method.customer !== customer) {
    throw invalidRequest(`The provided PaymentMethod ${method.id} does not belong to the Customer ${customer}.`, {
      param: "payment_method",
    });
  }
  if (method.customer === null && method.consumed) throw invalidRequest(CONSUMED_MESSAGE, { param: "payment_method" });
}

/**
 * After a confirmation attempt: with `setup_future_usage` and a Customer, a successful payment saves the method
 * on that Customer; without `setup_future_usage` an unsaved method is consumed (with it and no Customer, Stripe
 * still lets it be attached later).
 */
export function afterConfirmation(ctx: Context, method: TestPaymentMethod, paymentIntent: PaymentIntent, succeeded: boolean): void {
  if (method.customer !== null) return;
  const customerId = typeof paymentIntent.customer === "string" ? paymentIntent.customer : null;
  if (paymentIntent.setup_future_usage === null) {
    method.consumed = true;
    return;
  }
  if (!succeeded || customerId === null) return;
  attachToCustomer(ctx, method, ctx.store.customers.require(customerId), { origin: null, account: null });
}
