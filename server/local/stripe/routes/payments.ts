import { z } from "zod";
import { balanceOf } from "../connect";
import { invalidRequest } from "../errors";
import { paginate } from "../list";
import {
  boolean,
  currency,
  email,
  listShape,
  mergeMetadata,
  metadata,
  oneOf,
  parseParams,
  positiveInteger,
  text,
  textList,
} from "../params";
import { resolvePaymentMethod } from "../payment-methods";
import { attachPaymentMethod, cancelPaymentIntent, capturePaymentIntent, confirmPaymentIntent, createPaymentIntent } from "../payments";
import { closeDispute, createRefund } from "../refunds";
import { route, type Route } from "../router";

const captureMethod = oneOf(["automatic", "automatic_async", "manual"]);

const createIntentSchema = z.strictObject({
  amount: positiveInteger(),
  currency: currency(),
  capture_method: captureMethod.optional(),
  confirm: boolean().optional(),
  payment_method: text().optional(),
  payment_method_types: textList().optional(),
  automatic_payment_methods: z
    .strictObject({ enabled: boolean(), allow_redirects: oneOf(["always", "never"]).optional() })
    .optional(),
  metadata: metadata().optional(),
  description: text(1000).optional(),
  receipt_email: email().optional(),
  statement_descriptor: text(22).optional(),
  statement_descriptor_suffix: text(22).optional(),
  transfer_group: text().optional(),
  return_url: text().optional(),
  off_session: boolean().optional(),
  error_on_requires_action: boolean().optional(),
  customer: text().optional(),
  setup_future_usage: oneOf(["off_session", "on_session"]).optional(),
});

const updateIntentSchema = z.strictObject({
  amount: positiveInteger().optional(),
  currency: currency().optional(),
  capture_method: captureMethod.optional(),
  payment_method: text().optional(),
  metadata: metadata().optional(),
  description: text(1000).optional(),
  receipt_email: email().optional(),
});

const confirmSchema = z.strictObject({
  payment_method: text().optional(),
  capture_method: captureMethod.optional(),
  receipt_email: email().optional(),
  return_url: text().optional(),
  off_session: boolean().optional(),
  error_on_requires_action: boolean().optional(),
});

const captureSchema = z.strictObject({
  amount_to_capture: positiveInteger().optional(),
  metadata: metadata().optional(),
  final_capture: boolean().optional(),
});

const cancelSchema = z.strictObject({
  cancellation_reason: oneOf(["duplicate", "fraudulent", "requested_by_customer", "abandoned"]).optional(),
});

const refundSchema = z.strictObject({
  payment_intent: text().optional(),
  charge: text().optional(),
  amount: positiveInteger().optional(),
  reason: oneOf(["duplicate", "fraudulent", "requested_by_customer"]).optional(),
  metadata: metadata().optional(),
});

const byPaymentIntent = z.strictObject({ ...listShape, payment_intent: text().optional() });
const byChargeOrPaymentIntent = z.strictObject({ ...listShape, charge: text().optional(), payment_intent: text().optional() });
const balanceTransactionList = z.strictObject({ ...listShape, type: text().optional(), source: text().optional() });

const matches = (filter: string | undefined, value: unknown) => filter === undefined || value === filter;

export const paymentRoutes: Route[] = [
  route("POST", "/v1/payment_intents", ({ input, caller }, ctx) => {
    const params = parseParams(createIntentSchema, input);
    if (params.off_session !== undefined && !params.confirm) {
      throw invalidRequest("off_session can only be used when confirm=true.", { param: "off_session" });
    }
    if (params.customer !== undefined) ctx.store.customers.require(params.customer, { param: "customer" });
    const method = params.payment_method === undefined ? null : resolvePaymentMethod(ctx, params.payment_method);
    const paymentMethodTypes = params.payment_method_types ?? [method?.type ?? "card"];
    if (method && !paymentMethodTypes.includes(method.type)) {
      throw invalidRequest(`The PaymentMethod provided (${method.type}) is not allowed by payment_method_types.`, {
        param: "payment_method",
      });
    }
    const paymentIntent = createPaymentIntent(
      ctx,
      {
        amount: params.amount,
        currency: params.currency,
        captureMethod: params.capture_method ?? "automatic",
        metadata: mergeMetadata({}, params.metadata),
        description: params.description ?? null,
        receiptEmail: params.receipt_email ?? null,
        statementDescriptor: params.statement_descriptor ?? null,
        statementDescriptorSuffix: params.statement_descriptor_suffix ?? null,
        transferGroup: params.transfer_group ?? null,
        paymentMethodTypes,
        customer: params.customer ?? null,
        setupFutureUsage: params.setup_future_usage ?? null,
      },
      caller,
    );
    if (params.automatic_payment_methods?.enabled) {
      paymentIntent.automatic_payment_methods = {
        allow_redirects: params.automatic_payment_methods.allow_redirects ?? "always",
        enabled: true,
      };
    }
    if (method) attachPaymentMethod(paymentIntent, method);
    if (params.confirm) {
      if (!method) {
        throw invalidRequest("You cannot confirm this PaymentIntent because it's missing a payment method.", {
          param: "payment_method",
          code: "payment_intent_unexpected_state",
        });
      }
      const declined = confirmPaymentIntent(ctx, paymentIntent, method, { billingEmail: params.receipt_email ?? null }, caller);
      if (declined) throw declined;
    }
    return paymentIntent;
  }),

  route("GET", "/v1/payment_intents", ({ input }, ctx) =>
    paginate(ctx.store.paymentIntents.list(null), parseParams(z.strictObject(listShape), input), "/v1/payment_intents"),
  ),

  route("GET", "/v1/payment_intents/:id", ({ id }, ctx) => ctx.store.paymentIntents.require(id)),

  route("POST", "/v1/payment_intents/:id", ({ id, input }, ctx) => {
    const paymentIntent = ctx.store.paymentIntents.require(id);
    const params = parseParams(updateIntentSchema, input);
    const changesPayment = params.amount !== undefined || params.currency !== undefined || params.capture_method !== undefined;
    if (changesPayment && !["requires_payment_method", "requires_confirmation"].includes(paymentIntent.status)) {
      throw invalidRequest(
        `You cannot change the amount, currency or capture_method of a PaymentIntent with status ${paymentIntent.status}.`,
        { code: "payment_intent_unexpected_state" },
      );
    }
    if (params.payment_method !== undefined) attachPaymentMethod(paymentIntent, resolvePaymentMethod(ctx, params.payment_method));
    paymentIntent.amount = params.amount ?? paymentIntent.amount;
    paymentIntent.currency = params.currency ?? paymentIntent.currency;
    paymentIntent.capture_method = params.capture_method ?? paymentIntent.capture_method;
    paymentIntent.metadata = mergeMetadata(paymentIntent.metadata, params.metadata);
    paymentIntent.description = params.description ?? paymentIntent.description;
    paymentIntent.receipt_email = params.receipt_email ?? paymentIntent.receipt_email;
    return paymentIntent;
  }),

  route("POST", "/v1/payment_intents/:id/confirm", ({ id, input, caller }, ctx) => {
    const paymentIntent = ctx.store.paymentIntents.require(id);
    const params = parseParams(confirmSchema, input);
    const methodId = params.payment_method ?? (typeof paymentIntent.payment_method === "string" ? paymentIntent.payment_method : null);
    if (!methodId) {
      throw invalidRequest("You cannot confirm this PaymentIntent because it's missing a payment method.", {
        param: "payment_method",
        code: "payment_intent_unexpected_state",
      });
    }
    paymentIntent.capture_method = params.capture_method ?? paymentIntent.capture_method;
    paymentIntent.receipt_email = params.receipt_email ?? paymentIntent.receipt_email;
    const method = resolvePaymentMethod(ctx, methodId);
    const declined = confirmPaymentIntent(ctx, paymentIntent, method, { billingEmail: paymentIntent.receipt_email }, caller);
    if (declined) throw declined;
    return paymentIntent;
  }),

  route("POST", "/v1/payment_intents/:id/capture", ({ id, input, caller }, ctx) => {
    const paymentIntent = ctx.store.paymentIntents.require(id);
    const params = parseParams(captureSchema, input);
    return capturePaymentIntent(
      ctx,
      paymentIntent,
      { amountToCapture: params.amount_to_capture, metadata: mergeMetadata(paymentIntent.metadata, params.metadata) },
      caller,
    );
  }),

  route("POST", "/v1/payment_intents/:id/cancel", ({ id, input, caller }, ctx) => {
    const paymentIntent = ctx.store.paymentIntents.require(id);
    const params = parseParams(cancelSchema, input);
    return cancelPaymentIntent(ctx, paymentIntent, params.cancellation_reason ?? null, caller);
  }),

  route("GET", "/v1/charges", ({ input }, ctx) => {
    const params = parseParams(byPaymentIntent, input);
    const charges = ctx.store.charges.list(null, (charge) => matches(params.payment_intent, charge.payment_intent));
    return paginate(charges, params, "/v1/charges");
  }),

  route("GET", "/v1/charges/:id", ({ id }, ctx) => ctx.store.charges.require(id)),

  route("POST", "/v1/refunds", ({ input, caller }, ctx) => {
    const params = parseParams(refundSchema, input);
    if ((params.charge === undefined) === (params.payment_intent === undefined)) {
      throw invalidRequest("Pass exactly one of charge or payment_intent.", { param: params.charge ? "payment_intent" : "charge" });
    }
    let chargeId = params.charge;
    if (params.payment_intent !== undefined) {
      const paymentIntent = ctx.store.paymentIntents.require(params.payment_intent, { param: "payment_intent" });
      if (typeof paymentIntent.latest_charge !== "string") {
        throw invalidRequest(`PaymentIntent ${paymentIntent.id} has no successful charge to refund.`, {
          param: "payment_intent",
          code: "charge_not_refundable",
        });
      }
      chargeId = paymentIntent.latest_charge;
    }
    const charge = ctx.store.charges.require(chargeId ?? "", { param: "charge" });
    return createRefund(
      ctx,
      { charge, amount: params.amount, reason: params.reason ?? null, metadata: mergeMetadata({}, params.metadata) },
      caller,
    );
  }),

  route("GET", "/v1/refunds", ({ input }, ctx) => {
    const params = parseParams(byChargeOrPaymentIntent, input);
    const refunds = ctx.store.refunds.list(
      null,
      (refund) => matches(params.charge, refund.charge) && matches(params.payment_intent, refund.payment_intent),
    );
    return paginate(refunds, params, "/v1/refunds");
  }),

  route("GET", "/v1/refunds/:id", ({ id }, ctx) => ctx.store.refunds.require(id)),

  route("GET", "/v1/disputes", ({ input }, ctx) => {
    const params = parseParams(byChargeOrPaymentIntent, input);
    const disputes = ctx.store.disputes.list(
      null,
      (dispute) => matches(params.charge, dispute.charge) && matches(params.payment_intent, dispute.payment_intent),
    );
    return paginate(disputes, params, "/v1/disputes");
  }),

  route("GET", "/v1/disputes/:id", ({ id }, ctx) => ctx.store.disputes.require(id)),

  route("POST", "/v1/disputes/:id/close", ({ id, caller }, ctx) =>
    closeDispute(ctx, ctx.store.disputes.require(id), "lost", caller),
  ),

  route("GET", "/v1/balance", ({ caller }, ctx) => balanceOf(ctx, caller.account), { connectedAccounts: true }),

  route(
    "GET",
    "/v1/balance_transactions",
    ({ input, caller }, ctx) => {
      const params = parseParams(balanceTransactionList, input);
      const transactions = ctx.store.balanceTransactions.list(
        caller.account,
        (transaction) => matches(params.type, transaction.type) && matches(params.source, transaction.source),
      );
      return paginate(transactions, params, "/v1/balance_transactions");
    },
    { connectedAccounts: true },
  ),

  route(
    "GET",
    "/v1/balance_transactions/:id",
    ({ id, caller }, ctx) => ctx.store.balanceTransactions.require(id, { account: caller.account }),
    { connectedAccounts: true },
  ),
];
