import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./testing";

let harness: Harness;
let stripe: Stripe;

beforeAll(async () => {
  harness = await startHarness();
  stripe = harness.stripe;
});
afterAll(() => harness.close());
afterEach(async () => {
  await harness.control("reset");
  harness.webhooks.requests.length = 0;
});

function paidIntent(amount = 2000) {
  return stripe.paymentIntents.create({ amount, currency: "usd", payment_method: "pm_card_visa", confirm: true });
}

function heldIntent(amount = 5000) {
  return stripe.paymentIntents.create({
    amount,
    currency: "usd",
    payment_method: "pm_card_visa",
    capture_method: "manual",
    confirm: true,
  });
}

describe("PaymentIntents", () => {
  it("creates, confirms and records the charge with its balance transaction", async () => {
    const created = await stripe.paymentIntents.create({ amount: 2000, currency: "USD", metadata: { order: "o1" } });
    expect(created).toMatchObject({ object: "payment_intent", status: "requires_payment_method", currency: "usd", livemode: false });
    expect(created.id).toMatch(/^pi_/);
    expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_`));

    const confirmed = await stripe.paymentIntents.confirm(created.id, { payment_method: "pm_card_visa" });

    expect(confirmed).toMatchObject({ status: "succeeded", amount_received: 2000, metadata: { order: "o1" } });
    const charge = await stripe.charges.retrieve(String(confirmed.latest_charge), { expand: ["balance_transaction"] });
    expect(charge).toMatchObject({ amount: 2000, amount_captured: 2000, captured: true, metadata: { order: "o1" } });
    expect(charge.payment_method_details?.card).toMatchObject({ brand: "visa", last4: "4242" });
    expect(charge.balance_transaction).toMatchObject({ object: "balance_transaction", amount: 2000, fee: 88, net: 1912, type: "charge" });
  });

  it("answers a declined card with a StripeCardError carrying the PaymentIntent", async () => {
    const error = await stripe.paymentIntents
      .create({ amount: 1500, currency: "usd", payment_method: "pm_card_chargeDeclinedInsufficientFunds", confirm: true })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = error as Stripe.errors.StripeCardError;
    expect(cardError).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "insufficient_funds" });
    const paymentIntent = cardError.payment_intent as Stripe.PaymentIntent;
    expect(paymentIntent.status).toBe("requires_payment_method");
    expect((await stripe.charges.retrieve(String(cardError.charge))).status).toBe("failed");
    await harness.webhooks.waitForEvent("payment_intent.payment_failed", (event) => (event.data.object as Stripe.PaymentIntent).id === paymentIntent.id);
  });

  it("refuses to capture more than is capturable, then captures part and releases the rest", async () => {
    const held = await heldIntent(5000);
    expect(held).toMatchObject({ status: "requires_capture", amount_capturable: 5000, amount_received: 0 });

    const tooMuch = await stripe.paymentIntents.capture(held.id, { amount_to_capture: 5001 }).catch((caught: unknown) => caught);
    expect(tooMuch).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(tooMuch).toMatchObject({ param: "amount_to_capture" });

    const captured = await stripe.paymentIntents.capture(held.id, { amount_to_capture: 3000 });

    expect(captured).toMatchObject({ status: "succeeded", amount_capturable: 0, amount_received: 3000 });
    const charge = await stripe.charges.retrieve(String(captured.latest_charge));
    expect(charge).toMatchObject({ captured: true, amount_captured: 3000, amount_refunded: 2000, refunded: false });
    const capturedEvent = await harness.webhooks.waitForEvent("charge.captured");
    expect(capturedEvent.data.previous_attributes).toMatchObject({ captured: false, amount_captured: 0 });
    await harness.webhooks.waitForEvent("payment_intent.amount_capturable_updated");
  });

  it("cancels a held payment, releasing the authorisation", async () => {
    const held = await heldIntent(4000);

    const canceled = await stripe.paymentIntents.cancel(held.id, { cancellation_reason: "abandoned" });

    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned", amount_capturable: 0 });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    const charge = await stripe.charges.retrieve(String(canceled.latest_charge));
    expect(charge).toMatchObject({ captured: false, refunded: true, amount_refunded: 4000 });
    await harness.webhooks.waitForEvent("payment_intent.canceled");
    const again = await stripe.paymentIntents.capture(held.id).catch((caught: unknown) => caught);
    expect(again).toMatchObject({ code: "payment_intent_unexpected_state" });
    await expect(stripe.paymentIntents.cancel(held.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });
});

describe("Refunds", () => {
  it("refunds partly, then the rest, then refuses more", async () => {
    const paymentIntent = await paidIntent(2000);

    const partial = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 500, reason: "requested_by_customer" });
    expect(partial).toMatchObject({ object: "refund", amount: 500, status: "succeeded", payment_intent: paymentIntent.id });
    expect(partial.id).toMatch(/^re_/);
    expect(await stripe.charges.retrieve(String(paymentIntent.latest_charge))).toMatchObject({ amount_refunded: 500, refunded: false });

    const over = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 1501 }).catch((caught: unknown) => caught);
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(over).toMatchObject({ param: "amount", message: "Refund amount ($15.01) is greater than unrefunded amount on charge ($15.00)" });

    const rest = await stripe.refunds.create({ charge: String(paymentIntent.latest_charge) });
    expect(rest.amount).toBe(1500);
    const charge = await stripe.charges.retrieve(String(paymentIntent.latest_charge), { expand: ["refunds"] });
    expect(charge).toMatchObject({ amount_refunded: 2000, refunded: true });
    expect(charge.refunds?.data.map((refund) => refund.amount).sort()).toEqual([1500, 500]);

    const already = await stripe.refunds.create({ payment_intent: paymentIntent.id }).catch((caught: unknown) => caught);
    expect(already).toMatchObject({ code: "charge_already_refunded" });
    const refundedEvents = await harness.webhooks.waitForEvent("charge.refunded", (event) => (event.data.object as Stripe.Charge).refunded);
    expect(refundedEvents.data.previous_attributes).toEqual({ amount_refunded: 500, refunded: false });
    expect((await stripe.refunds.list({ payment_intent: paymentIntent.id })).data).toHaveLength(2);
  });

  it("refuses to refund an authorisation that was never captured", async () => {
    const held = await heldIntent();

    const error = await stripe.refunds.create({ payment_intent: held.id }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "charge_not_refundable", statusCode: 400 });
  });
});

describe("Disputes", () => {
  it("opens a dispute on a charge, blocks refunds, and closes it as won", async () => {
    const paymentIntent = await paidIntent(3000);

    const dispute = await harness.control<Stripe.Dispute>("disputes", { payment_intent: paymentIntent.id, reason: "fraudulent" });

    expect(dispute).toMatchObject({ object: "dispute", status: "needs_response", amount: 3000, charge: paymentIntent.latest_charge });
    expect(dispute.id).toMatch(/^dp_/);
    const created = await harness.webhooks.waitForEvent("charge.dispute.created");
    expect(created.data.object).toMatchObject({ id: dispute.id, payment_intent: paymentIntent.id });
    await harness.webhooks.waitForEvent("charge.dispute.funds_withdrawn");
    expect((await stripe.charges.retrieve(String(paymentIntent.latest_charge))).disputed).toBe(true);
    const refund = await stripe.refunds.create({ payment_intent: paymentIntent.id }).catch((caught: unknown) => caught);
    expect(refund).toMatchObject({ code: "charge_disputed" });

    const won = await harness.control<Stripe.Dispute>(`disputes/${dispute.id}/close`, { outcome: "won" });

    expect(won.status).toBe("won");
    const closed = await harness.webhooks.waitForEvent("charge.dispute.closed");
    expect(closed.data.object).toMatchObject({ id: dispute.id, status: "won" });
    expect(closed.data.previous_attributes).toEqual({ status: "needs_response" });
    await harness.webhooks.waitForEvent("charge.dispute.funds_reinstated");
    expect((await stripe.disputes.retrieve(dispute.id)).balance_transactions.map((txn) => txn.net)).toEqual([-4500, 4500]);
    await expect(harness.control(`disputes/${dispute.id}/close`, { outcome: "lost" })).rejects.toThrow(/already closed/);
  });

  it("closes a dispute as lost when the platform accepts it through the API", async () => {
    const paymentIntent = await paidIntent(1200);
    const dispute = await harness.control<Stripe.Dispute>("disputes", { charge: String(paymentIntent.latest_charge) });

    const accepted = await stripe.disputes.close(dispute.id);

    expect(accepted.status).toBe("lost");
    const closed = await harness.webhooks.waitForEvent("charge.dispute.closed");
    expect(closed.data.object).toMatchObject({ status: "lost" });
    expect((await stripe.disputes.list({ payment_intent: paymentIntent.id })).data.map((d) => d.id)).toEqual([dispute.id]);
  });
});
