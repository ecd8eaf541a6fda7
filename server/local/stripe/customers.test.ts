import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHECKOUT_PARAMS, startHarness, submitPayPage, type Harness } from "./testing";

/** Customers, PaymentMethods saved on them, and Stripe's rule for using a card again off-session, through the SDK. */

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

const customer = (email = "member@tipmeter.test") => stripe.customers.create({ email, metadata: { user_id: "u1" } });

/** A Checkout Session that saves its card on `customerId` for off-session use and holds the payment for capture, paid. */
async function paidSavingCard(customerId: string, choice = "pay") {
  const session = await stripe.checkout.sessions.create({
    ...CHECKOUT_PARAMS,
    customer: customerId,
    payment_intent_data: { setup_future_usage: "off_session", capture_method: "manual" },
  });
  await submitPayPage(session, choice);
  const paid = await stripe.checkout.sessions.retrieve(session.id);
  const intent = await stripe.paymentIntents.retrieve(String(paid.payment_intent));
  return { session: paid, intent, card: String(intent.payment_method) };
}

function offSession(customerId: string | undefined, paymentMethod: string, amount = 700) {
  return stripe.paymentIntents.create({
    amount,
    currency: "usd",
    ...(customerId ? { customer: customerId } : {}),
    payment_method: paymentMethod,
    capture_method: "manual",
    off_session: true,
    confirm: true,
  });
}

describe("Customers", () => {
  it("creates once per Idempotency-Key, retrieves and updates metadata, with events", async () => {
    const params = { email: "member@tipmeter.test", metadata: { user_id: "u1" } };
    const created = await stripe.customers.create(params, { idempotencyKey: "customer-u1" });
    expect(created).toMatchObject({ object: "customer", email: "member@tipmeter.test", metadata: { user_id: "u1" }, livemode: false });
    expect(created.id).toMatch(/^cus_/);
    expect((await stripe.customers.create(params, { idempotencyKey: "customer-u1" })).id).toBe(created.id);

    const updated = await stripe.customers.update(created.id, { metadata: { tier: "gold", user_id: "" } });
    expect(updated.metadata).toEqual({ tier: "gold" });
    expect(await stripe.customers.retrieve(created.id)).toMatchObject({ id: created.id, metadata: { tier: "gold" } });
    await harness.webhooks.waitForEvent("customer.updated", (event) => (event.data.object as Stripe.Customer).id === created.id);
    expect(harness.webhooks.events("customer.created")).toHaveLength(1);

    const missing = await stripe.customers.retrieve("cus_nothing").catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
  });
});

describe("saving a card through Checkout", () => {
  it("attaches the card to the session's customer and holds the payment for capture", async () => {
    const member = await customer();
    const unpaid = await stripe.checkout.sessions.create({
      ...CHECKOUT_PARAMS,
      customer: member.id,
      payment_intent_data: { setup_future_usage: "off_session", capture_method: "manual" },
    });
    const page = await (await fetch(String(unpaid.url))).text();
    expect(page).toContain("Your card will be saved with the merchant for future payments. The amount is held on your card now and charged later.");
    expect(page).toContain('value="member@tipmeter.test" readonly');
    const { session, intent, card } = await paidSavingCard(member.id);

    expect(session).toMatchObject({ status: "complete", customer: member.id, customer_creation: null });
    expect(intent).toMatchObject({ status: "requires_capture", customer: member.id, setup_future_usage: "off_session", amount_capturable: 1000 });
    expect(await stripe.paymentMethods.retrieve(card)).toMatchObject({ customer: member.id, type: "card", card: { brand: "visa", last4: "4242" } });
    expect((await stripe.customers.listPaymentMethods(member.id)).data.map((method) => method.id)).toEqual([card]);
    expect((await stripe.paymentMethods.list({ customer: member.id, type: "card" })).data.map((method) => method.id)).toEqual([card]);
    expect((await stripe.charges.retrieve(String(intent.latest_charge))).customer).toBe(member.id);
    await harness.webhooks.waitForEvent("payment_method.attached", (event) => (event.data.object as Stripe.PaymentMethod).id === card);
  });

  it("creates the customer when the session asks for one", async () => {
    const session = await stripe.checkout.sessions.create({
      ...CHECKOUT_PARAMS,
      customer_creation: "always",
      payment_intent_data: { setup_future_usage: "off_session" },
    });
    await submitPayPage(session, "pay", "new@tipmeter.test");
    const paid = await stripe.checkout.sessions.retrieve(session.id);
    expect(paid.customer).toMatch(/^cus_/);
    expect(await stripe.customers.retrieve(String(paid.customer))).toMatchObject({ email: "new@tipmeter.test" });
    expect((await stripe.customers.listPaymentMethods(String(paid.customer))).data).toHaveLength(1);
  });

  it("refuses a customer together with customer_email, and an unknown customer", async () => {
    const member = await customer();
    const both = await stripe.checkout.sessions
      .create({ ...CHECKOUT_PARAMS, customer: member.id, customer_email: "x@tipmeter.test" })
      .catch((caught: unknown) => caught);
    expect(both).toMatchObject({ statusCode: 400, param: "customer_email" });
    const unknown = await stripe.checkout.sessions.create({ ...CHECKOUT_PARAMS, customer: "cus_nothing" }).catch((caught: unknown) => caught);
    expect(unknown).toMatchObject({ statusCode: 404, param: "customer" });
  });
});

describe("using a card again off-session", () => {
  it("authorises on a saved card when the PaymentIntent names its customer", async () => {
    const member = await customer();
    const { card } = await paidSavingCard(member.id);
    const again = await offSession(member.id, card);
    expect(again).toMatchObject({ status: "requires_capture", customer: member.id, payment_method: card, amount_capturable: 700 });
  });

  it("refuses a saved card without its customer, or for another customer", async () => {
    const member = await customer();
    const { card } = await paidSavingCard(member.id);
    const withoutCustomer = await offSession(undefined, card).catch((caught: unknown) => caught);
    expect(withoutCustomer).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(withoutCustomer).toMatchObject({ statusCode: 400, param: "payment_method" });

    const other = await customer("other@tipmeter.test");
    const forOther = await offSession(other.id, card).catch((caught: unknown) => caught);
    expect(forOther).toMatchObject({ statusCode: 400, param: "payment_method", message: expect.stringContaining(other.id) });
  });

  it("refuses to reuse or attach a card used once without a customer, as Stripe does", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);
    await submitPayPage(session, "pay");
    const intent = await stripe.paymentIntents.retrieve(String((await stripe.checkout.sessions.retrieve(session.id)).payment_intent));
    const card = String(intent.payment_method);

    const reused = await offSession(undefined, card).catch((caught: unknown) => caught);
    expect(reused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((reused as Error).message).toMatch(/^The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment/);
    const member = await customer();
    const attached = await stripe.paymentMethods.attach(card, { customer: member.id }).catch((caught: unknown) => caught);
    expect((attached as Error).message).toMatch(/It may not be used again/);
  });

  it("attaches and detaches through the API; a detached card cannot be used again", async () => {
    const member = await customer();
    const card = await stripe.paymentMethods.attach("pm_card_mastercard", { customer: member.id });
    expect(card).toMatchObject({ customer: member.id, card: { brand: "mastercard", last4: "4444" } });
    expect((await offSession(member.id, card.id)).status).toBe("requires_capture");

    expect(await stripe.paymentMethods.detach(card.id)).toMatchObject({ id: card.id, customer: null });
    expect((await stripe.customers.listPaymentMethods(member.id)).data).toEqual([]);
    const afterDetach = await offSession(member.id, card.id).catch((caught: unknown) => caught);
    expect((afterDetach as Error).message).toMatch(/was detached from a Customer/);
  });

  it("declines off-session as Stripe does: a 402 card error with the PaymentIntent back in requires_payment_method", async () => {
    const member = await customer();
    const card = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: member.id });
    expect(card.card?.last4).toBe("0341");

    const error = await offSession(member.id, card.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = error as Stripe.errors.StripeCardError;
    expect(cardError).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "generic_decline" });
    expect(cardError.payment_intent).toMatchObject({ status: "requires_payment_method", customer: member.id, amount_capturable: 0 });
    expect((await stripe.paymentMethods.retrieve(card.id)).customer).toBe(member.id);
  });

  it("refuses to save a card that declines every check, unlike the charge-customer-fail card", async () => {
    const member = await customer();
    const error = await stripe.paymentMethods.attach("pm_card_chargeDeclined", { customer: member.id }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
  });

  it("a saved card that authorised once declines later once the bank stops honouring it (decline_charges control)", async () => {
    const member = await customer();
    const { card } = await paidSavingCard(member.id);
    await harness.control(`payment_methods/${card}/decline_charges`, { decline_code: "insufficient_funds" });

    const error = await offSession(member.id, card).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." });
  });

  it("refuses off_session without confirm", async () => {
    const error = await stripe.paymentIntents.create({ amount: 500, currency: "usd", off_session: true }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 400, param: "off_session" });
  });
});
