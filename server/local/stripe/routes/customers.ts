import { z } from "zod";
import { attachToCustomer, createCustomer, detachFromCustomer, updateCustomer } from "../customers";
import { paginate } from "../list";
import { buildPaymentMethod } from "../objects";
import { email, listShape, mergeMetadata, metadata, oneOf, parseParams, text } from "../params";
import { resolvePaymentMethod } from "../payment-methods";
import { route, type Route } from "../router";
import type { Context } from "../context";

const customerFields = {
  email: email().optional(),
  name: text(256).optional(),
  description: text(350).optional(),
  metadata: metadata().optional(),
};
const createCustomerSchema = z.strictObject(customerFields);
const updateCustomerSchema = z.strictObject(customerFields);
const methodType = oneOf(["card", "us_bank_account"]);
const customerMethodsSchema = z.strictObject({ ...listShape, type: methodType.optional() });
const methodsSchema = z.strictObject({ ...listShape, customer: text(), type: methodType.optional() });
const attachSchema = z.strictObject({ customer: text() });

function savedMethods(ctx: Context, customer: string, type: string | undefined) {
  return ctx.store.paymentMethods
    .list(undefined, (method) => method.customer === customer && (type === undefined || method.type === type))
    .map(buildPaymentMethod);
}

export const customerRoutes: Route[] = [
  route("POST", "/v1/customers", ({ input, caller }, ctx) => {
    const params = parseParams(createCustomerSchema, input);
    return createCustomer(
      ctx,
      { email: params.email ?? null, name: params.name ?? null, description: params.description ?? null, metadata: mergeMetadata({}, params.metadata) },
      caller,
    );
  }),

  route("GET", "/v1/customers/:id", ({ id }, ctx) => ctx.store.customers.require(id)),

  route("POST", "/v1/customers/:id", ({ id, input, caller }, ctx) => {
    const customer = ctx.store.customers.require(id);
    const params = parseParams(updateCustomerSchema, input);
    return updateCustomer(
      ctx,
      customer,
      {
        email: params.email,
        name: params.name,
        description: params.description,
        metadata: params.metadata === undefined ? undefined : mergeMetadata(customer.metadata, params.metadata),
      },
      caller,
    );
  }),

  route("GET", "/v1/customers/:id/payment_methods", ({ id, input }, ctx) => {
    const customer = ctx.store.customers.require(id);
    const params = parseParams(customerMethodsSchema, input);
    return paginate(savedMethods(ctx, customer.id, params.type), params, `/v1/customers/${customer.id}/payment_methods`);
  }),

  route("GET", "/v1/payment_methods", ({ input }, ctx) => {
    const params = parseParams(methodsSchema, input);
    const customer = ctx.store.customers.require(params.customer, { param: "customer" });
    return paginate(savedMethods(ctx, customer.id, params.type), params, "/v1/payment_methods");
  }),

  route("GET", "/v1/payment_methods/:id", ({ id }, ctx) => buildPaymentMethod(ctx.store.paymentMethods.require(id))),

  route("POST", "/v1/payment_methods/:id/attach", ({ id, input, caller }, ctx) => {
    const params = parseParams(attachSchema, input);
    const customer = ctx.store.customers.require(params.customer, { param: "customer" });
    return attachToCustomer(ctx, resolvePaymentMethod(ctx, id, "payment_method"), customer, caller);
  }),

  route("POST", "/v1/payment_methods/:id/detach", ({ id, caller }, ctx) =>
    detachFromCustomer(ctx, ctx.store.paymentMethods.require(id), caller),
  ),
];
