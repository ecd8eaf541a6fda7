import type Stripe from "stripe";
import { z } from "zod";
import { createSession, expireSession, sessionExtras } from "../checkout";
import { invalidRequest } from "../errors";
import { paginate } from "../list";
import type { LineItemInput } from "../objects";
import {
  currency,
  email,
  integer,
  listShape,
  mergeMetadata,
  metadata,
  oneOf,
  parseParams,
  positiveInteger,
  text,
  textList,
  url,
} from "../params";
import { route, type Route } from "../router";

const lineItemSchema = z.strictObject({
  price: text().optional(),
  price_data: z
    .strictObject({
      currency: currency(),
      unit_amount: integer().pipe(z.number().min(0, { error: "must be at least 0" })),
      product_data: z.strictObject({
        name: text(250),
        description: text().optional(),
        images: textList().optional(),
      }),
      tax_behavior: oneOf(["exclusive", "inclusive", "unspecified"]).optional(),
    })
    .optional(),
  quantity: positiveInteger(),
});

const createSchema = z.strictObject({
  mode: oneOf(["payment", "setup", "subscription"]),
  line_items: z.array(lineItemSchema).min(1, { error: "must have at least one item" }).max(100),
  success_url: url(),
  cancel_url: url().optional(),
  client_reference_id: text(200).optional(),
  customer_email: email().optional(),
  metadata: metadata().optional(),
  expires_at: integer().optional(),
  locale: text(10).optional(),
  submit_type: oneOf(["auto", "book", "donate", "pay", "subscribe"]).optional(),
  payment_method_types: textList().optional(),
  ui_mode: oneOf(["hosted"]).optional(),
  payment_intent_data: z
    .strictObject({
      capture_method: oneOf(["automatic", "automatic_async", "manual"]).optional(),
      metadata: metadata().optional(),
      description: text(1000).optional(),
      receipt_email: email().optional(),
      statement_descriptor: text(22).optional(),
      statement_descriptor_suffix: text(22).optional(),
      transfer_group: text().optional(),
      setup_future_usage: oneOf(["off_session", "on_session"]).optional(),
    })
    .optional(),
  customer: text().optional(),
  customer_creation: oneOf(["always", "if_required"]).optional(),
});

function lineItemsOf(items: z.output<typeof lineItemSchema>[]): LineItemInput[] {
  const inputs = items.map((item, index) => {
    if (item.price !== undefined || !item.price_data) {
      throw invalidRequest("The Stripe emulator has no Prices API: give each line item price_data instead of price.", {
        param: `line_items[${index}][price_data]`,
      });
    }
    const { price_data: data } = item;
    return { currency: data.currency, unitAmount: data.unit_amount, quantity: item.quantity, name: data.product_data.name };
  });
  const currencies = new Set(inputs.map((input) => input.currency));
  if (currencies.size > 1) {
    throw invalidRequest("All line items must use the same currency.", { param: "line_items" });
  }
  if (inputs.reduce((sum, input) => sum + input.unitAmount * input.quantity, 0) < 1) {
    throw invalidRequest("The Checkout Session's total amount due must be greater than zero.", { param: "line_items" });
  }
  return inputs;
}

const listSchema = z.strictObject({
  ...listShape,
  payment_intent: text().optional(),
  status: oneOf(["open", "complete", "expired"]).optional(),
});

const updateSchema = z.strictObject({ metadata: metadata().optional() });

export const checkoutRoutes: Route[] = [
  route("POST", "/v1/checkout/sessions", ({ input }, ctx) => {
    const params = parseParams(createSchema, input);
    if (params.mode !== "payment") {
      throw invalidRequest("The Stripe emulator supports only mode=payment Checkout Sessions.", { param: "mode" });
    }
    const data = params.payment_intent_data;
    if (params.customer !== undefined) {
      if (params.customer_email !== undefined) {
        throw invalidRequest("You may only specify one of these parameters: customer, customer_email.", { param: "customer_email" });
      }
      if (params.customer_creation !== undefined) {
        throw invalidRequest("You may only specify one of these parameters: customer, customer_creation.", { param: "customer_creation" });
      }
      ctx.store.customers.require(params.customer, { param: "customer" });
    }
    return createSession(ctx, {
      lineItems: lineItemsOf(params.line_items),
      successUrl: params.success_url,
      cancelUrl: params.cancel_url ?? null,
      clientReferenceId: params.client_reference_id ?? null,
      customerEmail: params.customer_email ?? null,
      metadata: mergeMetadata({}, params.metadata),
      expiresAt: params.expires_at,
      locale: (params.locale ?? null) as Stripe.Checkout.Session.Locale | null,
      submitType: params.submit_type ?? null,
      paymentMethodTypes: params.payment_method_types ?? ["card"],
      paymentIntentData: {
        captureMethod: data?.capture_method ?? "automatic",
        metadata: mergeMetadata({}, data?.metadata),
        description: data?.description ?? null,
        receiptEmail: data?.receipt_email ?? null,
        statementDescriptor: data?.statement_descriptor ?? null,
        statementDescriptorSuffix: data?.statement_descriptor_suffix ?? null,
        transferGroup: data?.transfer_group ?? null,
        setupFutureUsage: data?.setup_future_usage ?? null,
      },
      customer: params.customer ?? null,
      customerCreation: params.customer === undefined ? (params.customer_creation ?? "if_required") : null,
    });
  }),

  route("GET", "/v1/checkout/sessions", ({ input }, ctx) => {
    const params = parseParams(listSchema, input);
    const sessions = ctx.store.sessions.list(
      null,
      (session) =>
        (params.payment_intent === undefined || session.payment_intent === params.payment_intent) &&
        (params.status === undefined || session.status === params.status),
    );
    return paginate(sessions, params, "/v1/checkout/sessions");
  }),

  route("GET", "/v1/checkout/sessions/:id", ({ id }, ctx) => ctx.store.sessions.require(id)),

  route("POST", "/v1/checkout/sessions/:id", ({ id, input }, ctx) => {
    const session = ctx.store.sessions.require(id);
    const update = parseParams(updateSchema, input);
    session.metadata = mergeMetadata(session.metadata ?? {}, update.metadata);
    return session;
  }),

  route("POST", "/v1/checkout/sessions/:id/expire", ({ id, caller }, ctx) =>
    expireSession(ctx, ctx.store.sessions.require(id), caller),
  ),

  route("GET", "/v1/checkout/sessions/:id/line_items", ({ id, input }, ctx) => {
    const session = ctx.store.sessions.require(id);
    const list = parseParams(z.strictObject(listShape), input);
    return paginate(sessionExtras(ctx, session).lineItems, list, `/v1/checkout/sessions/${session.id}/line_items`);
  }),
];
