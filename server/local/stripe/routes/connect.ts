import type Stripe from "stripe";
import { z } from "zod";
import { createAccount, createAccountLink, createPayout, createTransfer, createTransferReversal } from "../connect";
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
  url,
} from "../params";
import { route, type Route } from "../router";

const capabilityRequest = z.strictObject({ requested: boolean() });

const createAccountSchema = z.strictObject({
  type: oneOf(["express", "custom", "standard"]).optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, { error: "must be a two-letter country code" })
    .transform((value) => value.toUpperCase())
    .optional(),
  email: email().optional(),
  business_type: oneOf(["individual", "company", "non_profit", "government_entity"]).optional(),
  capabilities: z.record(z.string(), capabilityRequest).optional(),
  metadata: metadata().optional(),
});

const updateAccountSchema = z.strictObject({ email: email().optional(), metadata: metadata().optional() });

const accountLinkSchema = z.strictObject({
  account: text(),
  refresh_url: url(),
  return_url: url(),
  type: oneOf(["account_onboarding", "account_update"]),
  collect: oneOf(["currently_due", "eventually_due"]).optional(),
});

const transferSchema = z.strictObject({
  amount: positiveInteger(),
  currency: currency(),
  destination: text(),
  description: text(1000).optional(),
  metadata: metadata().optional(),
  transfer_group: text().optional(),
  source_transaction: text().optional(),
});

const transferReversalSchema = z.strictObject({
  amount: positiveInteger().optional(),
  description: text(1000).optional(),
  metadata: metadata().optional(),
  refund_application_fee: boolean().optional(),
});

const payoutSchema = z.strictObject({
  amount: positiveInteger(),
  currency: currency(),
  description: text(1000).optional(),
  metadata: metadata().optional(),
  method: oneOf(["standard", "instant"]).optional(),
  statement_descriptor: text(22).optional(),
});

const transferList = z.strictObject({ ...listShape, destination: text().optional(), transfer_group: text().optional() });
const payoutList = z.strictObject({ ...listShape, status: oneOf(["pending", "paid", "failed", "canceled"]).optional() });

export const connectRoutes: Route[] = [
  route("POST", "/v1/accounts", ({ input }, ctx) => {
    const params = parseParams(createAccountSchema, input);
    const requested = Object.entries(params.capabilities ?? {})
      .filter(([, capability]) => capability.requested)
      .map(([name]) => name);
    return createAccount(ctx, {
      type: (params.type ?? "express") as Stripe.Account.Type,
      country: params.country ?? "US",
      email: params.email ?? null,
      businessType: params.business_type ?? null,
      metadata: mergeMetadata({}, params.metadata),
      requestedCapabilities: requested,
    });
  }),

  route("GET", "/v1/accounts", ({ input }, ctx) =>
    paginate(ctx.store.accounts.list(null), parseParams(z.strictObject(listShape), input), "/v1/accounts"),
  ),

  route("GET", "/v1/accounts/:id", ({ id }, ctx) => ctx.store.accounts.require(id)),

  route("POST", "/v1/accounts/:id", ({ id, input, caller }, ctx) => {
    const account = ctx.store.accounts.require(id);
    const params = parseParams(updateAccountSchema, input);
    const previousAttributes = { email: account.email, metadata: account.metadata };
    account.email = params.email ?? account.email;
    account.metadata = mergeMetadata(account.metadata ?? {}, params.metadata);
    ctx.events.emit("account.updated", account, { account: account.id, origin: caller.origin, previousAttributes });
    return account;
  }),

  route("POST", "/v1/account_links", ({ input }, ctx) => {
    const params = parseParams(accountLinkSchema, input);
    const account = ctx.store.accounts.require(params.account, { param: "account" });
    return createAccountLink(ctx, { account, refreshUrl: params.refresh_url, returnUrl: params.return_url });
  }),

  route("POST", "/v1/transfers", ({ input, caller }, ctx) => {
    const params = parseParams(transferSchema, input);
    return createTransfer(
      ctx,
      {
        amount: params.amount,
        currency: params.currency,
        destination: params.destination,
        description: params.description ?? null,
        metadata: mergeMetadata({}, params.metadata),
        transferGroup: params.transfer_group ?? null,
        sourceTransaction: params.source_transaction ?? null,
      },
      caller,
    );
  }),

  route("GET", "/v1/transfers", ({ input }, ctx) => {
    const params = parseParams(transferList, input);
    const transfers = ctx.store.transfers.list(
      null,
      (transfer) =>
        (params.destination === undefined || transfer.destination === params.destination) &&
        (params.transfer_group === undefined || transfer.transfer_group === params.transfer_group),
    );
    return paginate(transfers, params, "/v1/transfers");
  }),

  route("GET", "/v1/transfers/:id", ({ id }, ctx) => ctx.store.transfers.require(id)),

  route("POST", "/v1/transfers/:id/reversals", ({ id, input, caller }, ctx) => {
    const params = parseParams(transferReversalSchema, input);
    const transfer = ctx.store.transfers.require(id);
    return createTransferReversal(ctx, transfer, { amount: params.amount ?? null, metadata: mergeMetadata({}, params.metadata) }, caller);
  }),

  route("GET", "/v1/transfers/:id/reversals", ({ id, input }, ctx) => {
    const transfer = ctx.store.transfers.require(id);
    const reversals = ctx.store.transferReversals.list(null, (reversal) => reversal.transfer === transfer.id);
    return paginate(reversals, parseParams(z.strictObject(listShape), input), `/v1/transfers/${transfer.id}/reversals`);
  }),

  route(
    "POST",
    "/v1/payouts",
    ({ input, caller }, ctx) => {
      const params = parseParams(payoutSchema, input);
      return createPayout(
        ctx,
        {
          amount: params.amount,
          currency: params.currency,
          description: params.description ?? null,
          metadata: mergeMetadata({}, params.metadata),
          method: params.method ?? "standard",
          statementDescriptor: params.statement_descriptor ?? null,
        },
        caller,
      );
    },
    { connectedAccounts: true },
  ),

  route(
    "GET",
    "/v1/payouts",
    ({ input, caller }, ctx) => {
      const params = parseParams(payoutList, input);
      const payouts = ctx.store.payouts.list(caller.account, (payout) => params.status === undefined || payout.status === params.status);
      return paginate(payouts, params, "/v1/payouts");
    },
    { connectedAccounts: true },
  ),

  route("GET", "/v1/payouts/:id", ({ id, caller }, ctx) => ctx.store.payouts.require(id, { account: caller.account }), {
    connectedAccounts: true,
  }),
];
