import { z } from "zod";
import { PAY_CHOICES, paySession, type PayChoice } from "../checkout";
import { completeOnboarding, createPayout, disablePayouts, PAYOUT_FAILURES, settlePayout } from "../connect";
import { CUSTOMER, type Context } from "../context";
import { invalidRequest } from "../errors";
import { expireOverdue } from "../expiry";
import { buildPaymentMethod } from "../objects";
import { boolean, email, oneOf, parseParams, positiveInteger, text } from "../params";
import { LATER_DECLINES } from "../payment-methods";
import { settleNow } from "../payments";
import { closeDispute, createDispute } from "../refunds";
import { route, type Route } from "../router";

/**
 * Test controls under /_emulator: things that happen at Stripe or at the bank, not through Stripe's API
 * (a customer disputes a charge, a payout bounces). Documented in README.md.
 */

const disputeSchema = z.strictObject({
  charge: text().optional(),
  payment_intent: text().optional(),
  amount: positiveInteger().optional(),
  reason: oneOf(["fraudulent", "product_not_received", "duplicate", "subscription_canceled", "general"]).optional(),
});

const closeDisputeSchema = z.strictObject({ outcome: oneOf(["won", "lost"]) });
const failPayoutSchema = z.strictObject({
  failure_code: oneOf(Object.keys(PAYOUT_FAILURES) as [string, ...string[]]).optional(),
  /** The returned funds leave the account again at once (an automatic payout), before anyone can reverse the transfer. */
  paid_out_again: boolean().optional(),
});
const declineChargesSchema = z.strictObject({
  decline_code: oneOf(Object.keys(LATER_DECLINES) as [keyof typeof LATER_DECLINES, ...(keyof typeof LATER_DECLINES)[]]).optional(),
});
const eventListSchema = z.strictObject({ type: text().optional() });
const advanceClockSchema = z.strictObject({ seconds: positiveInteger() });
const paySchema = z.strictObject({
  outcome: oneOf(Object.keys(PAY_CHOICES) as [PayChoice, ...PayChoice[]]),
  email: email().optional(),
});

/** The emulator's clock as the clock controls answer it. */
const clockState = (ctx: Context) => ({ object: "emulator_clock", now: ctx.clock.now(), offset_seconds: ctx.clock.offset });

export const controlRoutes: Route[] = [
  route("GET", "/_emulator/clock", (_request, ctx) => clockState(ctx)),

  route("POST", "/_emulator/clock/advance", ({ input }, ctx) => {
    const params = parseParams(advanceClockSchema, input);
    ctx.clock.advance(params.seconds);
    expireOverdue(ctx);
    return clockState(ctx);
  }),

  route("GET", "/_emulator/events", ({ input }, ctx) => {
    const params = parseParams(eventListSchema, input);
    const events = ctx.store.events.list(undefined, (event) => params.type === undefined || event.type === params.type);
    return {
      object: "list",
      data: events.map((event) => ({ ...event, deliveries: ctx.events.deliveriesOf(event.id) })),
    };
  }),

  route("POST", "/_emulator/resend/:id", ({ id }, ctx) => ({ id, deliveries: ctx.events.resend(id) })),

  route("POST", "/_emulator/disputes", ({ input }, ctx) => {
    const params = parseParams(disputeSchema, input);
    let chargeId = params.charge;
    if (params.payment_intent !== undefined) {
      const latest = ctx.store.paymentIntents.require(params.payment_intent, { param: "payment_intent" }).latest_charge;
      chargeId = typeof latest === "string" ? latest : undefined;
    }
    if (chargeId === undefined) throw invalidRequest("Pass charge or payment_intent.", { param: "charge" });
    const charge = ctx.store.charges.require(chargeId, { param: "charge" });
    return createDispute(ctx, { charge, amount: params.amount, reason: params.reason ?? "fraudulent" });
  }),

  route("POST", "/_emulator/disputes/:id/close", ({ id, input }, ctx) => {
    const params = parseParams(closeDisputeSchema, input);
    return closeDispute(ctx, ctx.store.disputes.require(id), params.outcome, CUSTOMER);
  }),

  route("POST", "/_emulator/accounts/:id/complete_onboarding", ({ id }, ctx) =>
    completeOnboarding(ctx, ctx.store.accounts.require(id), CUSTOMER),
  ),

  route("POST", "/_emulator/accounts/:id/disable_payouts", ({ id }, ctx) =>
    disablePayouts(ctx, ctx.store.accounts.require(id), CUSTOMER),
  ),

  route("POST", "/_emulator/payouts/:id/paid", ({ id }, ctx) => settlePayout(ctx, ctx.store.payouts.require(id), { paid: true })),

  route("POST", "/_emulator/payouts/:id/fail", ({ id, input }, ctx) => {
    const params = parseParams(failPayoutSchema, input);
    const payout = settlePayout(ctx, ctx.store.payouts.require(id), { paid: false, failureCode: params.failure_code ?? "account_closed" });
    if (params.paid_out_again) {
      const account = ctx.store.payouts.accountOf(payout.id);
      createPayout(
        ctx,
        { amount: payout.amount, currency: payout.currency, description: "Automatic payout", metadata: {}, method: "standard", statementDescriptor: null },
        { origin: null, account },
      );
    }
    return payout;
  }),

  route("POST", "/_emulator/payment_methods/:id/decline_charges", ({ id, input }, ctx) => {
    const params = parseParams(declineChargesSchema, input);
    const method = ctx.store.paymentMethods.require(id);
    method.behaviour = LATER_DECLINES[params.decline_code ?? "generic_decline"];
    return buildPaymentMethod(method);
  }),

  route("POST", "/_emulator/payment_intents/:id/settle", ({ id }, ctx) => settleNow(ctx, ctx.store.paymentIntents.require(id))),

  route("POST", "/_emulator/checkout/sessions/:id/settle", ({ id }, ctx) => {
    const session = ctx.store.sessions.require(id);
    if (typeof session.payment_intent !== "string") {
      throw invalidRequest(`Checkout Session ${session.id} has no payment yet.`, { code: "payment_intent_unexpected_state" });
    }
    settleNow(ctx, ctx.store.paymentIntents.require(session.payment_intent));
    return session;
  }),

  route("POST", "/_emulator/checkout/sessions/:id/pay", ({ id, input }, ctx) => {
    const params = parseParams(paySchema, input);
    const session = ctx.store.sessions.require(id);
    if (session.status !== "open") {
      throw invalidRequest(`Checkout Session ${session.id} is ${session.status}, not open.`, { code: "checkout_session_not_open" });
    }
    const result = paySession(ctx, session, params.outcome, params.email ?? session.customer_email ?? "customer@example.com");
    return { ...result, session };
  }),
];
