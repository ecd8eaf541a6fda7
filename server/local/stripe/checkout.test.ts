import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHECKOUT_PARAMS, startHarness, submitPayPage, waitFor, type Harness } from "./testing";

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

describe("Checkout Sessions", () => {
  it("creates a session whose url is the emulator's pay page", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);

    expect(session.id).toMatch(/^cs_test_a1/);
    expect(session).toMatchObject({
      object: "checkout.session",
      livemode: false,
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: 1000,
      currency: "usd",
      client_reference_id: "user_42",
      metadata: { purchaseId: "pur_1" },
      payment_intent: null,
    });
    expect(session.url).toBe(`${harness.emulator.url}/pay/${session.id}`);
  });

  it("completes a paid session from the pay page and signs the webhook like Stripe", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);

    const response = await submitPayPage(session, "pay");

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`https://tipmeter.test/wallet?checkout=${session.id}`);
    const completed = await harness.webhooks.waitForEvent("checkout.session.completed");
    expect(completed.id).toMatch(/^evt_/);
    expect(completed.api_version).toBe(Stripe.API_VERSION);
    expect(completed.request).toEqual({ id: null, idempotency_key: null });
    const paid = completed.data.object as Stripe.Checkout.Session;
    expect(paid).toMatchObject({ id: session.id, status: "complete", payment_status: "paid", client_reference_id: "user_42" });
    expect(paid.customer_details?.email).toBe("member@tipmeter.test");

    const paymentIntent = await stripe.paymentIntents.retrieve(String(paid.payment_intent), { expand: ["latest_charge"] });
    expect(paymentIntent).toMatchObject({ status: "succeeded", amount: 1000, amount_received: 1000, metadata: {} });
    const charge = paymentIntent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ object: "charge", status: "succeeded", captured: true, paid: true, amount_captured: 1000 });
    expect(charge.id).toMatch(/^ch_/);
    expect(harness.webhooks.events().map((event) => event.type)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it("takes a euro checkout and reports eur on the session, payment, charge, balance transactions, refund and balance", async () => {
    const session = await stripe.checkout.sessions.create({
      ...CHECKOUT_PARAMS,
      line_items: [{ price_data: { currency: "EUR", unit_amount: 949, product_data: { name: "Euro Starter: 100 credits" } }, quantity: 1 }],
    });
    expect(session).toMatchObject({ currency: "eur", amount_total: 949 });
    const payPage = await (await fetch(String(session.url))).text();
    expect(payPage).toContain("€9.49");
    expect(payPage).not.toContain("$");

    await submitPayPage(session, "pay");
    const completed = await harness.webhooks.waitForEvent("checkout.session.completed");
    const paid = completed.data.object as Stripe.Checkout.Session;
    expect(paid).toMatchObject({ currency: "eur", amount_total: 949, payment_status: "paid" });
    const paymentIntent = await stripe.paymentIntents.retrieve(String(paid.payment_intent), { expand: ["latest_charge.balance_transaction"] });
    expect(paymentIntent).toMatchObject({ currency: "eur", amount_received: 949 });
    const charge = paymentIntent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ currency: "eur", amount_captured: 949 });
    expect(charge.balance_transaction).toMatchObject({ currency: "eur", amount: 949, type: "charge" });

    const refund = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 300, expand: ["balance_transaction"] });
    expect(refund).toMatchObject({ currency: "eur", amount: 300 });
    expect(refund.balance_transaction).toMatchObject({ currency: "eur", amount: -300 });
    const refundedEvent = await harness.webhooks.waitForEvent("charge.refunded");
    expect(refundedEvent.data.object).toMatchObject({ currency: "eur", amount_refunded: 300 });

    const { available } = await stripe.balance.retrieve();
    expect(available.map(({ currency }) => currency)).toEqual(["eur"]);
  });

  it("keeps the session open after a declined card, says so on the page, and accepts a later payment", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);

    const declined = await submitPayPage(session, "decline");
    expect(declined.status).toBe(303);
    const page = await fetch(new URL(String(declined.headers.get("location")), harness.emulator.url));
    expect(await page.text()).toContain('role="alert">Your card was declined.');
    await harness.webhooks.waitForEvent("payment_intent.payment_failed");
    const afterDecline = await stripe.checkout.sessions.retrieve(session.id);
    expect(afterDecline).toMatchObject({ status: "open", payment_status: "unpaid" });
    const failedIntent = await stripe.paymentIntents.retrieve(String(afterDecline.payment_intent));
    expect(failedIntent.status).toBe("requires_payment_method");
    expect(failedIntent.last_payment_error).toMatchObject({ code: "card_declined", decline_code: "generic_decline" });

    const paid = await submitPayPage(session, "pay");
    expect(paid.status).toBe(303);
    const completed = await harness.webhooks.waitForEvent("checkout.session.completed");
    const completedSession = completed.data.object as Stripe.Checkout.Session;
    expect(completedSession.payment_intent).toBe(failedIntent.id);
    expect(completedSession.payment_status).toBe("paid");
    expect(harness.webhooks.events("charge.failed")).toHaveLength(1);
  });

  it("completes a delayed payment unpaid, then sends async_payment_succeeded", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);

    const response = await submitPayPage(session, "delayed");

    expect(response.status).toBe(303);
    const completed = await harness.webhooks.waitForEvent("checkout.session.completed");
    expect(completed.data.object).toMatchObject({ status: "complete", payment_status: "unpaid" });
    const succeeded = await harness.webhooks.waitForEvent("checkout.session.async_payment_succeeded");
    expect(succeeded.data.object).toMatchObject({ id: session.id, payment_status: "paid" });
    const types = harness.webhooks.events().map((event) => event.type);
    expect(types.indexOf("checkout.session.completed")).toBeLessThan(types.indexOf("checkout.session.async_payment_succeeded"));
    const paymentIntent = await stripe.paymentIntents.retrieve(String((completed.data.object as Stripe.Checkout.Session).payment_intent));
    expect(paymentIntent.status).toBe("succeeded");
    expect(paymentIntent.payment_method_types).toEqual(["us_bank_account"]);
  });

  it("completes a failing delayed payment unpaid, then sends async_payment_failed", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);

    await submitPayPage(session, "delayed_fail");

    const failed = await harness.webhooks.waitForEvent("checkout.session.async_payment_failed");
    expect(failed.data.object).toMatchObject({ id: session.id, status: "complete", payment_status: "unpaid" });
    expect(harness.webhooks.events("checkout.session.async_payment_succeeded")).toHaveLength(0);
    const charge = (await stripe.charges.list({ payment_intent: String((failed.data.object as Stripe.Checkout.Session).payment_intent) })).data[0];
    expect(charge).toMatchObject({ status: "failed", failure_code: "account_closed", paid: false });
  });

  it("sends the browser to cancel_url on Cancel and leaves the session open", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);

    const response = await submitPayPage(session, "cancel");

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(CHECKOUT_PARAMS.cancel_url);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
  });

  it("expires an open session, closes its pay page and refuses a second expiry", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);

    const expired = await stripe.checkout.sessions.expire(session.id);

    expect(expired).toMatchObject({ status: "expired", url: null });
    await harness.webhooks.waitForEvent("checkout.session.expired");
    const page = await fetch(String(session.url));
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("expired");
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it("holds the funds when payment_intent_data asks for manual capture", async () => {
    const session = await stripe.checkout.sessions.create({
      ...CHECKOUT_PARAMS,
      payment_intent_data: { capture_method: "manual", metadata: { hold: "post-pay" } },
    });

    await submitPayPage(session, "pay");

    const completed = await harness.webhooks.waitForEvent("checkout.session.completed");
    expect(completed.data.object).toMatchObject({ payment_status: "unpaid", status: "complete" });
    const paymentIntent = await stripe.paymentIntents.retrieve(String((completed.data.object as Stripe.Checkout.Session).payment_intent));
    expect(paymentIntent).toMatchObject({
      status: "requires_capture",
      capture_method: "manual",
      amount_capturable: 1000,
      metadata: { hold: "post-pay" },
    });
  });

  it("lists sessions by payment_intent and expands line items and the charge", async () => {
    const first = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);
    await stripe.checkout.sessions.create(CHECKOUT_PARAMS);
    await submitPayPage(first, "pay");
    const paid = await stripe.checkout.sessions.retrieve(first.id, { expand: ["line_items", "payment_intent.latest_charge"] });

    const list = await stripe.checkout.sessions.list({ payment_intent: String((paid.payment_intent as Stripe.PaymentIntent).id) });

    expect(list.data.map((session) => session.id)).toEqual([first.id]);
    expect(paid.line_items?.data).toHaveLength(1);
    expect(paid.line_items?.data[0]).toMatchObject({ object: "item", description: "500 credits", quantity: 2, amount_total: 1000 });
    const latestCharge = (paid.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
    expect(latestCharge.object).toBe("charge");
    const items = await stripe.checkout.sessions.listLineItems(first.id);
    expect(items.data[0]?.price?.unit_amount).toBe(500);
  });

  it("rejects bad parameters with the parameter named", async () => {
    const withoutSuccessUrl: Stripe.Checkout.SessionCreateParams = { ...CHECKOUT_PARAMS };
    delete withoutSuccessUrl.success_url;
    const cases: [Stripe.Checkout.SessionCreateParams, string][] = [
      [withoutSuccessUrl, "success_url"],
      [{ ...CHECKOUT_PARAMS, mode: "subscription" }, "mode"],
      [{ ...CHECKOUT_PARAMS, customer_email: "not-an-email" }, "customer_email"],
      [
        { ...CHECKOUT_PARAMS, line_items: [{ price_data: { currency: "usd", unit_amount: 5, product_data: { name: "x" } }, quantity: 0 }] },
        "line_items[0][quantity]",
      ],
      [{ ...CHECKOUT_PARAMS, automatic_tax: { enabled: true } }, "automatic_tax"],
    ];
    for (const [params, param] of cases) {
      const error = await stripe.checkout.sessions.create(params).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 400, param });
    }
  });

  it("serves an accessible pay page that escapes what the app sent", async () => {
    const session = await stripe.checkout.sessions.create({
      ...CHECKOUT_PARAMS,
      line_items: [{ price_data: { currency: "eur", unit_amount: 1234, product_data: { name: "<b>VIP</b> & co" } }, quantity: 1 }],
    });

    const page = await fetch(String(session.url));
    const html = await page.text();

    expect(page.headers.get("content-type")).toContain("text/html");
    expect(html).toContain("&lt;b&gt;VIP&lt;/b&gt; &amp; co");
    expect(html).not.toContain("<b>VIP</b>");
    expect(html).toContain("€12.34");
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain("<caption>Order summary</caption>");
    for (const label of ["Pay", "Decline", "Pay (delayed)", "Pay (delayed, fails)", "Cancel"]) {
      expect(html).toMatch(new RegExp(`<button[^>]*>${label.replace(/[()]/g, "\\$&")}</button>`));
    }
  });

  it("shows a completed session's page as complete", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);
    await submitPayPage(session, "pay");

    const page = await fetch(String(session.url));

    expect(await page.text()).toContain("This checkout session is complete.");
    await waitFor(() => harness.webhooks.events("checkout.session.completed").length === 1, "the completion webhook");
  });
});

describe("settling a bank debit on demand (test control)", () => {
  let slow: Harness;
  beforeAll(async () => {
    // The timer never fires within the test: only the control settles.
    slow = await startHarness({ asyncPaymentDelayMs: 60 * 60_000 });
  });
  afterAll(() => slow.close());

  it("settles a processing debit at once, and answers a settled one as it is", async () => {
    const session = await slow.stripe.checkout.sessions.create(CHECKOUT_PARAMS);
    await submitPayPage(session, "delayed");
    const processing = await slow.stripe.checkout.sessions.retrieve(session.id);
    expect(processing).toMatchObject({ status: "complete", payment_status: "unpaid" });
    expect((await slow.stripe.paymentIntents.retrieve(String(processing.payment_intent))).status).toBe("processing");

    const settled = await slow.control<Stripe.Checkout.Session>(`checkout/sessions/${session.id}/settle`);
    expect(settled).toMatchObject({ id: session.id, payment_status: "paid" });
    await slow.webhooks.waitForEvent("checkout.session.async_payment_succeeded", (event) => (event.data.object as Stripe.Checkout.Session).id === session.id);
    const again = await slow.control<Stripe.PaymentIntent>(`payment_intents/${String(processing.payment_intent)}/settle`);
    expect(again).toMatchObject({ status: "succeeded" });
    expect(slow.webhooks.events("checkout.session.async_payment_succeeded")).toHaveLength(1);
  });

  it("settles a failing debit as failed, and refuses a card payment", async () => {
    const session = await slow.stripe.checkout.sessions.create(CHECKOUT_PARAMS);
    await submitPayPage(session, "delayed_fail");
    await slow.control(`checkout/sessions/${session.id}/settle`);
    await slow.webhooks.waitForEvent("checkout.session.async_payment_failed", (event) => (event.data.object as Stripe.Checkout.Session).id === session.id);

    const card = await slow.stripe.paymentIntents.create({ amount: 500, currency: "usd", payment_method: "pm_card_visa", confirm: true });
    await expect(slow.control(`payment_intents/${card.id}/settle`)).rejects.toThrow(/not a bank debit/);
  });
});
