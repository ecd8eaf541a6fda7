import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHECKOUT_PARAMS, startHarness, submitPayPage, TEST_API_KEY, type Harness } from "./testing";

/**
 * Card authorisations held for a manual capture, through the unmodified SDK: the emulator's clock, Stripe's 7-day
 * expiry of an uncaptured authorisation, declines at authorisation and at capture, and the webhooks of each, in
 * the order Stripe sends them.
 */

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

const DAY = 24 * 60 * 60;

interface ClockState {
  now: number;
  offset_seconds: number;
}

async function readClock(): Promise<ClockState> {
  const response = await fetch(`${harness.emulator.url}/_emulator/clock`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  return (await response.json()) as ClockState;
}

const advance = (seconds: number) => harness.control<ClockState>("clock/advance", { seconds });

/** A member's card saved on their Customer and a first hold on it, as a card tab opens. */
async function savedCard() {
  const member = await stripe.customers.create({ email: "member@tipmeter.test" });
  const session = await stripe.checkout.sessions.create({
    ...CHECKOUT_PARAMS,
    customer: member.id,
    payment_intent_data: { setup_future_usage: "off_session", capture_method: "manual" },
  });
  await submitPayPage(session, "pay");
  const paid = await stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
  const intent = paid.payment_intent as Stripe.PaymentIntent;
  return { customer: member.id, card: String(intent.payment_method), opening: intent };
}

function hold(customer: string, card: string, amount = 1500) {
  return stripe.paymentIntents.create({
    amount,
    currency: "usd",
    customer,
    payment_method: card,
    capture_method: "manual",
    off_session: true,
    confirm: true,
    metadata: { tab: "t1" },
  });
}

/** The types of the delivered events about one PaymentIntent (its own and its charges'), in arrival order. */
function eventTypesAbout(paymentIntentId: string): string[] {
  return harness.webhooks
    .events()
    .filter((event) => {
      const object = event.data.object as { id?: string; payment_intent?: string | null };
      return object.id === paymentIntentId || object.payment_intent === paymentIntentId;
    })
    .map((event) => event.type);
}

const deliveredAbout = (type: string, paymentIntentId: string) =>
  harness.webhooks.waitForEvent(type, (event) => {
    const object = event.data.object as { id?: string; payment_intent?: string | null };
    return object.id === paymentIntentId || object.payment_intent === paymentIntentId;
  });

describe("the emulator's clock", () => {
  it("starts at real time, moves forward when advanced, dates new objects by it, and is reset with the rest", async () => {
    const start = await readClock();
    expect(start.offset_seconds).toBe(0);
    expect(Math.abs(start.now - Date.now() / 1000)).toBeLessThan(5);

    const moved = await advance(3 * DAY);
    expect(moved.offset_seconds).toBe(3 * DAY);
    expect(moved.now - start.now).toBeGreaterThanOrEqual(3 * DAY);
    const customer = await stripe.customers.create({ email: "later@tipmeter.test" });
    expect(customer.created).toBeGreaterThanOrEqual(start.now + 3 * DAY);
    const event = await harness.webhooks.waitForEvent("customer.created");
    expect(event.created).toBeGreaterThanOrEqual(start.now + 3 * DAY);

    await harness.control("reset");
    expect((await readClock()).offset_seconds).toBe(0);
  });

  it("refuses a clock moved by nothing, backwards or by a fraction", async () => {
    for (const seconds of [0, -60, 1.5, "soon"]) {
      await expect(harness.control("clock/advance", { seconds })).rejects.toThrow(/\(400\).*seconds/);
    }
    await expect(harness.control("clock/advance", {})).rejects.toThrow(/\(400\)/);
  });

  it("expires an open Checkout Session once the clock passes its expires_at", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);
    await advance(DAY - 60);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    await advance(60);

    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "expired", url: null });
    await harness.webhooks.waitForEvent("checkout.session.expired", (event) => (event.data.object as Stripe.Checkout.Session).id === session.id);
  });

  it("forgets Idempotency-Keys 24 hours later on its clock", async () => {
    const first = await stripe.customers.create({ email: "a@tipmeter.test" }, { idempotencyKey: "customer-once" });
    expect((await stripe.customers.create({ email: "a@tipmeter.test" }, { idempotencyKey: "customer-once" })).id).toBe(first.id);
    await advance(DAY + 1);
    expect((await stripe.customers.create({ email: "a@tipmeter.test" }, { idempotencyKey: "customer-once" })).id).not.toBe(first.id);
  });
});

describe("authorisation and capture", () => {
  it("holds with capture_before 7 days on, captures part, and sends Stripe's events in order", async () => {
    const { customer, card } = await savedCard();
    harness.webhooks.requests.length = 0;
    const now = (await readClock()).now;

    const held = await hold(customer, card, 1500);
    const charge = await stripe.charges.retrieve(String(held.latest_charge));
    expect(held).toMatchObject({ status: "requires_capture", amount_capturable: 1500 });
    const captureBefore = charge.payment_method_details?.card?.capture_before ?? 0;
    expect(captureBefore - now).toBeGreaterThanOrEqual(7 * DAY);
    expect(captureBefore - now).toBeLessThan(7 * DAY + 5);

    const captured = await stripe.paymentIntents.capture(held.id, { amount_to_capture: 1200 });

    expect(captured).toMatchObject({ status: "succeeded", amount_received: 1200, amount_capturable: 0 });
    await deliveredAbout("payment_intent.succeeded", held.id);
    expect(eventTypesAbout(held.id)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.amount_capturable_updated",
      "charge.captured",
      "payment_intent.succeeded",
    ]);
  });

  it("a payment captured at once has no capture_before", async () => {
    const paid = await stripe.paymentIntents.create({ amount: 900, currency: "usd", payment_method: "pm_card_visa", confirm: true });
    const charge = await stripe.charges.retrieve(String(paid.latest_charge));
    expect(charge.payment_method_details?.card?.capture_before).toBeUndefined();
  });
});

describe("authorisation expiry", () => {
  it("releases a hold still uncaptured 7 days on: charge.expired, then payment_intent.canceled (automatic)", async () => {
    const { customer, card } = await savedCard();
    const held = await hold(customer, card, 2500);

    await advance(7 * DAY - 60);
    expect((await stripe.paymentIntents.retrieve(held.id)).status).toBe("requires_capture");

    const clock = await advance(60);

    const expired = await stripe.paymentIntents.retrieve(held.id, { expand: ["latest_charge"] });
    expect(expired).toMatchObject({ status: "canceled", cancellation_reason: "automatic", amount_capturable: 0, amount_received: 0 });
    expect(expired.canceled_at).toBeGreaterThanOrEqual(clock.now - 1);
    expect(expired.latest_charge).toMatchObject({ status: "succeeded", captured: false, refunded: true, amount_refunded: 2500 });
    await deliveredAbout("payment_intent.canceled", held.id);
    expect(eventTypesAbout(held.id)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.amount_capturable_updated",
      "charge.expired",
      "payment_intent.canceled",
    ]);
    const expiredEvent = harness.webhooks.events("charge.expired")[0];
    expect(expiredEvent?.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
  });

  it("refuses to capture an expired authorisation with Stripe's words, and to cancel it again", async () => {
    const { customer, card } = await savedCard();
    const held = await hold(customer, card);
    await advance(8 * DAY);

    const error = await stripe.paymentIntents.capture(held.id).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 400,
      code: "payment_intent_unexpected_state",
      message:
        "This PaymentIntent could not be captured because it has a status of canceled. Only a PaymentIntent with one " +
        "of the following statuses may be captured: requires_capture.",
    });
    expect(await stripe.paymentIntents.cancel(held.id).catch((caught: unknown) => caught)).toMatchObject({ statusCode: 400 });
  });

  it("expires a held Checkout payment too, and leaves captured and canceled payments alone", async () => {
    const { customer, card, opening } = await savedCard();
    const captured = await hold(customer, card, 700);
    await stripe.paymentIntents.capture(captured.id);
    const canceled = await hold(customer, card, 800);
    await stripe.paymentIntents.cancel(canceled.id);
    harness.webhooks.requests.length = 0;

    await advance(7 * DAY);

    expect(await stripe.paymentIntents.retrieve(opening.id)).toMatchObject({ status: "canceled", cancellation_reason: "automatic" });
    expect(await stripe.paymentIntents.retrieve(captured.id)).toMatchObject({ status: "succeeded", amount_received: 700 });
    expect(await stripe.paymentIntents.retrieve(canceled.id)).toMatchObject({ status: "canceled", cancellation_reason: null });
    await deliveredAbout("payment_intent.canceled", opening.id);
    expect(harness.webhooks.events("charge.expired")).toHaveLength(1);
  });

  it("expires several holds earliest deadline first", async () => {
    const { customer, card, opening } = await savedCard();
    await advance(DAY);
    const later = await hold(customer, card);
    harness.webhooks.requests.length = 0;

    await advance(10 * DAY);

    await deliveredAbout("payment_intent.canceled", later.id);
    const canceled = harness.webhooks.events("payment_intent.canceled").map((event) => (event.data.object as Stripe.PaymentIntent).id);
    expect(canceled).toEqual([opening.id, later.id]);
  });
});

describe("declines", () => {
  it("declines at authorisation: a 402 card error, charge.failed and payment_intent.payment_failed, nothing held", async () => {
    const { customer, card } = await savedCard();
    await harness.control(`payment_methods/${card}/decline_charges`, { decline_code: "insufficient_funds" });
    harness.webhooks.requests.length = 0;

    const error = await hold(customer, card).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = error as Stripe.errors.StripeCardError;
    expect(cardError).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "insufficient_funds" });
    const intent = cardError.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({ status: "requires_payment_method", amount_capturable: 0 });
    await deliveredAbout("payment_intent.payment_failed", intent.id);
    expect(eventTypesAbout(intent.id)).toEqual(["payment_intent.created", "charge.failed", "payment_intent.payment_failed"]);
  });

  it("declines at capture once the card is turned off: a 402 card error, the hold gone, charge.failed and payment_intent.payment_failed", async () => {
    const { customer, card } = await savedCard();
    const held = await hold(customer, card, 1800);
    await harness.control(`payment_methods/${card}/decline_charges`, {});

    const error = await stripe.paymentIntents.capture(held.id, { amount_to_capture: 1000 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." });
    const intent = await stripe.paymentIntents.retrieve(held.id, { expand: ["latest_charge"] });
    expect(intent).toMatchObject({
      status: "requires_payment_method",
      amount_capturable: 0,
      amount_received: 0,
      payment_method: null,
      last_payment_error: { type: "card_error", code: "card_declined", decline_code: "generic_decline" },
    });
    expect(intent.latest_charge).toMatchObject({ id: held.latest_charge, status: "failed", captured: false, paid: false, failure_code: "card_declined" });
    expect(await stripe.balanceTransactions.list({ source: String(held.latest_charge) })).toMatchObject({ data: [] });
    await deliveredAbout("payment_intent.payment_failed", held.id);
    expect(eventTypesAbout(held.id)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.amount_capturable_updated",
      "charge.failed",
      "payment_intent.payment_failed",
    ]);

    const again = await stripe.paymentIntents.capture(held.id).catch((caught: unknown) => caught);
    expect(again).toMatchObject({ statusCode: 400, code: "payment_intent_unexpected_state" });
  });

  it("a capture declined once is answered the same for the same Idempotency-Key, without new events", async () => {
    const { customer, card } = await savedCard();
    const held = await hold(customer, card);
    await harness.control(`payment_methods/${card}/decline_charges`, { decline_code: "expired_card" });

    const first = await stripe.paymentIntents.capture(held.id, {}, { idempotencyKey: "capture-1" }).catch((caught: unknown) => caught);
    const replay = await stripe.paymentIntents.capture(held.id, {}, { idempotencyKey: "capture-1" }).catch((caught: unknown) => caught);

    expect(first).toMatchObject({ statusCode: 402, code: "expired_card" });
    expect(replay).toMatchObject({ statusCode: 402, code: "expired_card" });
    await deliveredAbout("payment_intent.payment_failed", held.id);
    expect(harness.webhooks.events("payment_intent.payment_failed")).toHaveLength(1);
  });
});
