import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeEmulator, type StripeEmulator } from "@/server/local/stripe/server";
import { submitPayPage, WebhookReceiver } from "@/server/local/stripe/testing";
import type { CheckoutRequest, GatewayEvent, PaymentGateway } from "../gateway";

/**
 * The Stripe adapter against the local emulator, through the real SDK: each gateway method, in the platform's
 * terms (bigint amounts, our metadata, normalised objects and errors).
 */

const API_KEY = "sk_test_gateway_adapter";
const WEBHOOK_SECRET = "whsec_gateway_adapter";

let emulator: StripeEmulator;
let webhooks: WebhookReceiver;
let gateway: PaymentGateway;
let sdk: () => Stripe;
let PaymentGatewayError: typeof import("../gateway").PaymentGatewayError;

beforeAll(async () => {
  webhooks = await WebhookReceiver.start(WEBHOOK_SECRET);
  emulator = await startStripeEmulator({ port: 0, webhookUrl: webhooks.url, webhookSecret: WEBHOOK_SECRET, apiKey: API_KEY, asyncPaymentDelayMs: 20, log: () => {} });
  process.env.STRIPE_API_URL = emulator.url;
  process.env.STRIPE_SECRET_KEY = API_KEY;
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  // server/env.ts requires a database URL; nothing here connects to it.
  process.env.DATABASE_URL ??= "postgres://unused@127.0.0.1:1/unused";
  const index = await import("..");
  gateway = index.payments();
  PaymentGatewayError = index.PaymentGatewayError;
  sdk = (await import("./client")).stripe;
});

afterAll(async () => {
  await emulator.close();
  await webhooks.close();
});

async function control(path: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path} failed (${response.status}): ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

let keys = 0;
const key = (name: string) => `adapter-test:${name}:${++keys}`;

function checkoutRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    amountMinor: 1299n,
    currency: "usd",
    description: "Gold pack: 1,300 credits",
    customerEmail: "member@tipmeter.test",
    reference: "purchase-1",
    metadata: { purchase_id: "purchase-1" },
    successUrl: "https://tipmeter.test/wallet/purchases/purchase-1",
    cancelUrl: "https://tipmeter.test/wallet/buy",
    idempotencyKey: key("checkout"),
    ...overrides,
  };
}

/** Pays a checkout on its pay page as a member would, and returns it re-read. */
async function paid(request = checkoutRequest(), choice = "pay") {
  const checkout = await gateway.createCheckout(request);
  await submitPayPage({ url: checkout.url } as Stripe.Checkout.Session, choice);
  return gateway.readCheckout(checkout.id);
}

/** The latest verified delivery of `type` about `objectId`, as the gateway normalises it. */
async function delivered(type: string, objectId: string): Promise<GatewayEvent> {
  const about = (event: Stripe.Event) => (event.data.object as { id?: string }).id === objectId;
  await webhooks.waitForEvent(type, about);
  const delivery = webhooks.requests.findLast((request) => request.event?.type === type && about(request.event));
  if (!delivery) throw new Error("no delivery");
  return gateway.verifyWebhook(delivery.rawBody, new Headers({ "stripe-signature": delivery.signature }));
}

describe("checkout", () => {
  it("opens a hosted checkout for an amount with our metadata, on the checkout and on its payment", async () => {
    const request = checkoutRequest();
    const checkout = await gateway.createCheckout(request);

    expect(checkout).toMatchObject({ status: "open", payment: "unpaid", paymentId: null, amountMinor: 1299n, currency: "usd", reference: "purchase-1" });
    expect(checkout.metadata).toEqual({ purchase_id: "purchase-1" });
    expect(checkout.url).toBe(`${emulator.url}/pay/${checkout.id}`);
    expect((await gateway.createCheckout(request)).id).toBe(checkout.id);
    const session = await sdk().checkout.sessions.retrieve(checkout.id);
    expect(session.success_url).toBe("https://tipmeter.test/wallet/purchases/purchase-1?session_id={CHECKOUT_SESSION_ID}");

    const afterPaying = await paid(checkoutRequest({ metadata: { kind: "store_order", store_order_id: "order-1" } }));
    expect(afterPaying).toMatchObject({ status: "complete", payment: "paid", amountMinor: 1299n });
    expect(afterPaying.paymentId).toMatch(/^pi_/);
    expect(await gateway.paymentMetadata(afterPaying.paymentId ?? "")).toEqual({ kind: "store_order", store_order_id: "order-1" });
  });

  it("sets the expiry asked for, and closing an open checkout expires it", async () => {
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 45 * 60_000);
    const checkout = await gateway.createCheckout(checkoutRequest({ expiresAt }));

    expect((await sdk().checkout.sessions.retrieve(checkout.id)).expires_at).toBe(expiresAt.getTime() / 1000);
    expect(await gateway.closeCheckout(checkout.id)).toMatchObject({ id: checkout.id, status: "expired", payment: "unpaid" });
  });

  it("closing a paid checkout leaves it paid", async () => {
    const checkout = await paid();
    expect(await gateway.closeCheckout(checkout.id)).toMatchObject({ status: "complete", payment: "paid", paymentId: checkout.paymentId });
  });

  it("reads a bank payment that failed after the checkout completed as failed", async () => {
    const checkout = await paid(checkoutRequest(), "delayed_fail");
    await delivered("checkout.session.async_payment_failed", checkout.id);
    expect(await gateway.readCheckout(checkout.id)).toMatchObject({ status: "complete", payment: "failed" });
  });

  it("names a checkout the processor does not know as refused and not found", async () => {
    const error = await gateway.readCheckout("cs_test_nothing").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaymentGatewayError);
    expect(error).toMatchObject({ kind: "refused", notFound: true });
  });
});

describe("refunds and the card that paid", () => {
  it("refunds part of a payment, then the rest, once per key", async () => {
    const checkout = await paid();
    const paymentId = checkout.paymentId ?? "";
    const partKey = key("refund");

    const part = await gateway.refund({ paymentId, amountMinor: 300n, metadata: { purchase_id: "purchase-1" }, idempotencyKey: partKey });
    expect((await gateway.refund({ paymentId, amountMinor: 300n, metadata: { purchase_id: "purchase-1" }, idempotencyKey: partKey })).id).toBe(part.id);
    await gateway.refund({ paymentId, metadata: {}, idempotencyKey: key("refund") });

    const refunds = await sdk().refunds.list({ payment_intent: paymentId });
    expect(refunds.data.map((refund) => refund.amount).sort((a, b) => a - b)).toEqual([300, 999]);
    const tooMuch = await gateway.refund({ paymentId, amountMinor: 1n, metadata: {}, idempotencyKey: key("refund") }).catch((caught: unknown) => caught);
    expect(tooMuch).toMatchObject({ kind: "refused", notFound: false });
  });

  it("names the card that paid, for receipts; a card not saved on a customer has none", async () => {
    const checkout = await paid();
    const method = await gateway.paymentMethodOf(checkout.paymentId ?? "");
    expect(method).toMatchObject({ label: "Visa ending in 4242", customer: null });
    expect(method?.reference).toMatch(/^pm_/);
  });
});

const member = (userId = "user-1") => gateway.createCustomer({ email: `${userId}@tipmeter.test`, metadata: { user_id: userId }, idempotencyKey: key("customer") });
const hold = (customer: string, paymentMethod: string, amountMinor = 800n, metadata: Record<string, string> = {}) =>
  gateway.authorize({ customer, paymentMethod, amountMinor, currency: "usd", description: "Tab hold", metadata, idempotencyKey: key("hold") });

/** A tab's opening: a checkout that saves the card on the member's customer and only authorises, paid on its pay page. */
async function openedTab(amountMinor = 2000n) {
  const customer = await member();
  const checkout = await paid(checkoutRequest({ amountMinor, saveCardFor: customer, captureLater: true, metadata: { tab_id: "tab-1" } }));
  const card = await gateway.paymentMethodOf(checkout.paymentId ?? "");
  return { customer, checkout, card: card?.reference ?? "" };
}

describe("saved cards and manual capture", () => {
  it("creates a customer once per key", async () => {
    const request = { email: "member@tipmeter.test", metadata: { user_id: "user-7" }, idempotencyKey: key("customer") };
    const customer = await gateway.createCustomer(request);
    expect(customer).toMatch(/^cus_/);
    expect(await gateway.createCustomer(request)).toBe(customer);
    expect(await sdk().customers.retrieve(customer)).toMatchObject({ email: "member@tipmeter.test", metadata: { user_id: "user-7" } });
  });

  it("a checkout that saves the card authorises only, and names the card and its customer", async () => {
    const { customer, checkout } = await openedTab();

    expect(checkout).toMatchObject({ status: "complete", payment: "authorized", amountMinor: 2000n, metadata: { tab_id: "tab-1" } });
    expect(await gateway.paymentMethodOf(checkout.paymentId ?? "")).toEqual({ reference: expect.stringMatching(/^pm_/), label: "Visa ending in 4242", customer });
    const session = await sdk().checkout.sessions.retrieve(checkout.id);
    expect(session).toMatchObject({ customer, customer_email: null });
    expect(await sdk().paymentIntents.retrieve(checkout.paymentId ?? "")).toMatchObject({ capture_method: "manual", setup_future_usage: "off_session", customer, metadata: { tab_id: "tab-1" } });
  });

  it("captures part of the checkout's hold and releases the rest", async () => {
    const { checkout } = await openedTab();
    const paymentId = checkout.paymentId ?? "";

    expect(await gateway.capture(paymentId, 1500n)).toEqual({ id: paymentId, capturedMinor: 1500n });
    expect(await gateway.readCheckout(checkout.id)).toMatchObject({ payment: "paid" });
    const intent = await sdk().paymentIntents.retrieve(paymentId, { expand: ["latest_charge"] });
    expect(intent).toMatchObject({ status: "succeeded", amount_received: 1500, amount_capturable: 0 });
    expect(intent.latest_charge).toMatchObject({ amount_captured: 1500, amount_refunded: 500 });
  });

  it("releasing the checkout's hold reads as failed, with nothing captured", async () => {
    const { checkout } = await openedTab();
    await gateway.cancelAuthorization(checkout.paymentId ?? "");
    expect(await gateway.readCheckout(checkout.id)).toMatchObject({ status: "complete", payment: "failed" });
  });

  it("re-authorises off-session on the saved card, captures, and authorises again after a release", async () => {
    const { customer, card } = await openedTab();
    const next = await hold(customer, card, 2000n, { tab_id: "tab-1" });
    expect(next).toMatchObject({ status: "authorized", amountMinor: 2000n });
    if (next.status !== "authorized") throw new Error("not authorised");
    expect(await gateway.capture(next.id)).toEqual({ id: next.id, capturedMinor: 2000n });
    expect(await sdk().paymentIntents.retrieve(next.id)).toMatchObject({ customer, payment_method: card, metadata: { tab_id: "tab-1" } });

    const released = await hold(customer, card);
    if (released.status !== "authorized") throw new Error("not authorised");
    await gateway.cancelAuthorization(released.id);
    expect((await sdk().paymentIntents.retrieve(released.id)).status).toBe("canceled");
    expect(await gateway.capture(released.id).catch((caught: unknown) => caught)).toMatchObject({ kind: "refused" });
    const again = await hold(customer, card);
    expect(again).toMatchObject({ status: "authorized", amountMinor: 800n });
    expect(again.id).not.toBe(released.id);
  });

  it("reports a saved card that fails later as declined off-session, holding nothing", async () => {
    const { customer, card } = await openedTab();
    await control(`payment_methods/${card}/decline_charges`, { decline_code: "insufficient_funds" });

    const declined = await hold(customer, card, 500n);
    expect(declined).toMatchObject({ status: "declined", reason: "Your card has insufficient funds." });
    if (declined.status !== "declined" || !declined.id) throw new Error("no declined payment");
    expect(await sdk().paymentIntents.retrieve(declined.id)).toMatchObject({ status: "requires_payment_method", amount_capturable: 0 });
  });

  it("reports Stripe's card that can be saved but never charged as declined", async () => {
    const customer = await member();
    const card = await sdk().paymentMethods.attach("pm_card_chargeCustomerFail", { customer });
    expect(await hold(customer, card.id)).toMatchObject({ status: "declined", reason: "Your card was declined." });
  });

  it("refuses a saved card for another customer, and a card that paid once without being saved", async () => {
    const { card } = await openedTab();
    const stranger = await member("user-2");
    expect(await hold(stranger, card).catch((caught: unknown) => caught)).toMatchObject({ kind: "refused", notFound: false });

    const once = await paid();
    const unsaved = await gateway.paymentMethodOf(once.paymentId ?? "");
    expect(unsaved).toMatchObject({ label: "Visa ending in 4242", customer: null });
    const refused = await hold(stranger, unsaved?.reference ?? "").catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(PaymentGatewayError);
    expect(refused).toMatchObject({ kind: "refused", message: expect.stringContaining("may not be used again") });
  });
});

describe("payouts to connected accounts", () => {
  async function onboarded() {
    const account = await gateway.createConnectedAccount({ country: "US", email: "performer@tipmeter.test", metadata: { performer_id: "p-1" }, idempotencyKey: key("account") });
    await control(`accounts/${account.id}/complete_onboarding`);
    return account;
  }

  it("creates an account, links its onboarding and reads whether it can be paid", async () => {
    const request = { country: "US", email: "performer@tipmeter.test", metadata: { performer_id: "p-2" }, idempotencyKey: key("account") };
    const account = await gateway.createConnectedAccount(request);
    expect(account).toMatchObject({ payoutsEnabled: false, transfersEnabled: false, detailsSubmitted: false });
    expect((await gateway.createConnectedAccount(request)).id).toBe(account.id);

    const link = await gateway.onboardingLink(account.id, { returnUrl: "https://tipmeter.test/payouts?stripe=return", refreshUrl: "https://tipmeter.test/payouts?stripe=refresh" });
    expect(link.url).toMatch(new RegExp(`^${emulator.url}/`));

    await control(`accounts/${account.id}/complete_onboarding`);
    expect(await gateway.connectedAccount(account.id)).toEqual({ id: account.id, payoutsEnabled: true, transfersEnabled: true, detailsSubmitted: true });
  });

  it("transfers and pays out once per key, and reads the payout on the account", async () => {
    const account = await onboarded();
    const transferRequest = { accountId: account.id, amountMinor: 2500n, currency: "usd", group: "withdrawal_w1", description: "Tipmeter earnings", metadata: { withdrawal_id: "w1" }, idempotencyKey: key("transfer") };
    const transfer = await gateway.transfer(transferRequest);
    expect((await gateway.transfer(transferRequest)).id).toBe(transfer.id);

    const payoutRequest = { accountId: account.id, amountMinor: 2500n, currency: "usd", description: "Tipmeter earnings", metadata: { withdrawal_id: "w1" }, idempotencyKey: key("payout") };
    const payout = await gateway.payout(payoutRequest);
    expect(payout).toMatchObject({ status: "pending", failure: null });
    expect((await gateway.payout(payoutRequest)).id).toBe(payout.id);

    await control(`payouts/${payout.id}/fail`, { failure_code: "account_closed" });
    expect(await gateway.readPayout(account.id, payout.id)).toMatchObject({ id: payout.id, status: "failed", failure: expect.any(String) });
    const event = await delivered("payout.failed", payout.id);
    expect(event).toMatchObject({ topic: "payout", objectId: payout.id, account: account.id, claimedMetadata: { withdrawal_id: "w1" } });
    expect(await gateway.readSubject(event)).toBeNull();
  });

  it("reverses a transfer while the account holds it, and reports a refusal once the money has left", async () => {
    const account = await onboarded();
    const transfer = await gateway.transfer({ accountId: account.id, amountMinor: 1000n, currency: "usd", group: "withdrawal_w2", description: "Tipmeter earnings", metadata: {}, idempotencyKey: key("transfer") });
    const reversed = await gateway.reverseTransfer(transfer.id, { metadata: { withdrawal_id: "w2" }, idempotencyKey: key("reversal") });
    expect(reversed).toMatchObject({ reversed: true, id: expect.stringMatching(/^trr_/) });

    const paidOut = await gateway.transfer({ accountId: account.id, amountMinor: 1000n, currency: "usd", group: "withdrawal_w3", description: "Tipmeter earnings", metadata: {}, idempotencyKey: key("transfer") });
    const payout = await gateway.payout({ accountId: account.id, amountMinor: 1000n, currency: "usd", description: "Tipmeter earnings", metadata: {}, idempotencyKey: key("payout") });
    await control(`payouts/${payout.id}/paid`);
    const refused = await gateway.reverseTransfer(paidOut.id, { metadata: {}, idempotencyKey: key("reversal") });
    expect(refused).toMatchObject({ reversed: false, reason: expect.stringMatching(/^Stripe: Insufficient funds/) });
  });

  it("turns a refused payout into a gateway error naming why", async () => {
    const account = await gateway.createConnectedAccount({ country: "US", metadata: {}, idempotencyKey: key("account") });
    const error = await gateway.transfer({ accountId: account.id, amountMinor: 100n, currency: "usd", group: "g", description: "d", metadata: {}, idempotencyKey: key("transfer") }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaymentGatewayError);
    expect(error).toMatchObject({ kind: "refused" });
  });
});

describe("webhooks", () => {
  it("verifies a delivery into a normalised event and re-reads its checkout", async () => {
    const checkout = await paid(checkoutRequest({ metadata: { purchase_id: "purchase-9" } }));
    const event = await delivered("checkout.session.completed", checkout.id);

    expect(event).toMatchObject({ gateway: "stripe", type: "checkout.session.completed", topic: "checkout", objectId: checkout.id, account: null, claimedMetadata: { purchase_id: "purchase-9" } });
    expect(event.id).toMatch(/^evt_/);
    expect(await gateway.readSubject(event)).toEqual({ kind: "checkout", checkout });
    expect(() => gateway.verifyWebhook("{}", new Headers())).toThrow("invalid signature");
  });

  it("re-reads a refund's payment with what was refunded so far", async () => {
    const checkout = await paid();
    const paymentId = checkout.paymentId ?? "";
    await gateway.refund({ paymentId, amountMinor: 200n, metadata: {}, idempotencyKey: key("refund") });
    const chargeId = String((await sdk().paymentIntents.retrieve(paymentId)).latest_charge);
    const event = await delivered("charge.refunded", chargeId);

    expect(event.topic).toBe("refund");
    expect(await gateway.readSubject(event)).toEqual({
      kind: "refund",
      payment: { chargeId, paymentId, amountMinor: 1299n, currency: "usd", refundedMinor: 200n },
    });
  });

  it("re-reads a dispute with its payment, open and then won", async () => {
    const checkout = await paid();
    const paymentId = checkout.paymentId ?? "";
    const dispute = await control("disputes", { payment_intent: paymentId, amount: 1299 });
    const disputeId = String(dispute.id);
    const opened = await delivered("charge.dispute.created", disputeId);

    expect(await gateway.readSubject(opened)).toMatchObject({ kind: "dispute", dispute: { id: disputeId, amountMinor: 1299n, status: "open" }, payment: { paymentId, amountMinor: 1299n } });
    await control(`disputes/${disputeId}/close`, { outcome: "won" });
    const closed = await delivered("charge.dispute.closed", disputeId);
    expect(await gateway.readSubject(closed)).toMatchObject({ kind: "dispute", dispute: { status: "won" } });
  });

  it("reads nothing for an event it ignores, one without an object id, or an object Stripe does not know", async () => {
    const base = { gateway: "stripe" as const, id: "evt_x", account: null, claimedMetadata: {} };
    expect(await gateway.readSubject({ ...base, type: "customer.created", topic: "other", objectId: "cus_1" })).toBeNull();
    expect(await gateway.readSubject({ ...base, type: "checkout.session.completed", topic: "checkout", objectId: "cs_test_unknown" })).toBeNull();
    expect(await gateway.readSubject({ ...base, type: "checkout.session.completed", topic: "checkout", objectId: null })).toBeNull();
  });
});

describe("authorisations", () => {
  // Last in the file: these move the emulator's clock a week on, which every test after them would live with.
  it("reads an authorisation as held, then captured in part", async () => {
    const { customer, card } = await openedTab();
    const held = await hold(customer, card, 1800n, { tab_id: "tab-2" });
    if (held.status !== "authorized") throw new Error("not authorised");

    expect(await gateway.readAuthorization(held.id)).toEqual({
      id: held.id,
      status: "authorized",
      amountMinor: 1800n,
      capturableMinor: 1800n,
      capturedMinor: 0n,
      currency: "usd",
      metadata: { tab_id: "tab-2" },
      canceledBecause: null,
    });
    await gateway.capture(held.id, 1100n);
    expect(await gateway.readAuthorization(held.id)).toMatchObject({ status: "captured", capturableMinor: 0n, capturedMinor: 1100n, canceledBecause: null });
  });

  it("reads a payment not confirmed yet as pending, one released on request as canceled, and an unknown one as not found", async () => {
    const unconfirmed = await sdk().paymentIntents.create({ amount: 500, currency: "usd", capture_method: "manual" });
    expect(await gateway.readAuthorization(unconfirmed.id)).toMatchObject({ status: "pending", amountMinor: 500n, capturableMinor: 0n });

    const { customer, card } = await openedTab();
    const held = await hold(customer, card);
    if (held.status !== "authorized") throw new Error("not authorised");
    await gateway.cancelAuthorization(held.id);
    expect(await gateway.readAuthorization(held.id)).toMatchObject({ status: "canceled", capturableMinor: 0n, capturedMinor: 0n, canceledBecause: "requested" });

    expect(await gateway.readAuthorization("pi_unknown").catch((caught: unknown) => caught)).toMatchObject({ kind: "refused", notFound: true });
  });

  it("a card that declines at capture: capture() throws declined, the authorisation reads as failed, and payment_failed is its event", async () => {
    const { customer, card } = await openedTab();
    const held = await hold(customer, card, 900n, { tab_id: "tab-3" });
    if (held.status !== "authorized") throw new Error("not authorised");
    await control(`payment_methods/${card}/decline_charges`, { decline_code: "insufficient_funds" });

    const error = await gateway.capture(held.id).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PaymentGatewayError);
    expect(error).toMatchObject({ kind: "declined", message: "Your card has insufficient funds." });
    expect(await gateway.readAuthorization(held.id)).toMatchObject({ status: "failed", capturableMinor: 0n, capturedMinor: 0n });
    const event = await delivered("payment_intent.payment_failed", held.id);
    expect(event).toMatchObject({ topic: "authorization", objectId: held.id, claimedMetadata: { tab_id: "tab-3" } });
    expect(await gateway.readSubject(event)).toMatchObject({ kind: "authorization", authorization: { id: held.id, status: "failed" } });
    expect(await gateway.capture(held.id).catch((caught: unknown) => caught)).toMatchObject({ kind: "refused" });
  });

  it("normalises PaymentIntent events to the authorization topic and re-reads the payment as it is now", async () => {
    const { customer, card } = await openedTab();
    const held = await hold(customer, card, 600n, { tab_id: "tab-4" });
    if (held.status !== "authorized") throw new Error("not authorised");
    const authorised = await delivered("payment_intent.amount_capturable_updated", held.id);
    expect(authorised).toMatchObject({ topic: "authorization", objectId: held.id });
    expect(await gateway.readSubject(authorised)).toMatchObject({ kind: "authorization", authorization: { status: "authorized", capturableMinor: 600n } });

    await gateway.capture(held.id);
    const succeeded = await delivered("payment_intent.succeeded", held.id);
    expect(succeeded.topic).toBe("authorization");
    // The event that said "authorised" now re-reads as captured: the processor's object is the truth.
    expect(await gateway.readSubject(authorised)).toMatchObject({ kind: "authorization", authorization: { status: "captured", capturedMinor: 600n } });
    expect(await gateway.readSubject(succeeded)).toMatchObject({ kind: "authorization", authorization: { status: "captured" } });
  });

  it("an authorisation left 7 days expires: canceled because expired, payment_intent.canceled, and capture() refused", async () => {
    const { customer, card, checkout } = await openedTab();
    const held = await hold(customer, card, 700n, { tab_id: "tab-5" });
    if (held.status !== "authorized") throw new Error("not authorised");

    await control("clock/advance", { seconds: 7 * 24 * 60 * 60 });

    for (const id of [held.id, checkout.paymentId ?? ""]) {
      expect(await gateway.readAuthorization(id)).toMatchObject({ status: "canceled", capturableMinor: 0n, capturedMinor: 0n, canceledBecause: "expired" });
    }
    const event = await delivered("payment_intent.canceled", held.id);
    expect(await gateway.readSubject(event)).toMatchObject({ kind: "authorization", authorization: { id: held.id, canceledBecause: "expired" } });
    const error = await gateway.capture(held.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaymentGatewayError);
    expect(error).toMatchObject({ kind: "refused", notFound: false, message: expect.stringContaining("status of canceled") });
    expect(await gateway.readCheckout(checkout.id)).toMatchObject({ payment: "failed" });
  });
});
