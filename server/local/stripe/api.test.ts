import http from "node:http";
import net from "node:net";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startStripeEmulator } from "./server";
import { CHECKOUT_PARAMS, sdkFor, startHarness, submitPayPage, TEST_API_KEY, waitFor, WebhookReceiver, type Harness } from "./testing";

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
  harness.webhooks.respondWith = () => 200;
});

type EmulatorEvent = Stripe.Event & {
  deliveries: { url: string; state: string; attempts: { status: number | null }[] }[];
};

async function emulatorEvents(type: string): Promise<EmulatorEvent[]> {
  const response = await fetch(`${harness.emulator.url}/_emulator/events?type=${type}`, {
    headers: { authorization: `Bearer ${TEST_API_KEY}` },
  });
  return ((await response.json()) as { data: EmulatorEvent[] }).data;
}

describe("authentication", () => {
  it("rejects a wrong, live or missing key with 401 and a StripeAuthenticationError", async () => {
    for (const key of ["sk_test_not_the_configured_one", "sk_live_123456789012"]) {
      const error = await sdkFor(harness.emulator.url, key).paymentIntents.list().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(error).toMatchObject({ statusCode: 401, type: "StripeAuthenticationError" });
    }
    const anonymous = await fetch(`${harness.emulator.url}/v1/payment_intents`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { type: "invalid_request_error", message: expect.stringContaining("API key") } });
  });

  it("accepts any sk_test_ key when no apiKey is configured", async () => {
    const open = await startStripeEmulator({ port: 0, webhookSecret: "whsec_x" });
    try {
      const list = await sdkFor(open.url, "sk_test_anything").checkout.sessions.list();
      expect(list).toMatchObject({ object: "list", data: [] });
      await expect(sdkFor(open.url, "rk_test_restricted").checkout.sessions.list()).rejects.toBeInstanceOf(
        Stripe.errors.StripeAuthenticationError,
      );
    } finally {
      await open.close();
    }
  });
});

describe("errors", () => {
  it("answers unknown ids with 404 resource_missing", async () => {
    const error = await stripe.paymentIntents.retrieve("pi_missing").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: "resource_missing", param: "id", message: "No such payment_intent: 'pi_missing'" });
  });

  it("names the parameter of a bad request", async () => {
    const unknown = await stripe.paymentIntents
      .create({ amount: 100, currency: "usd", colour: "blue" } as Stripe.PaymentIntentCreateParams)
      .catch((caught: unknown) => caught);
    expect(unknown).toMatchObject({ statusCode: 400, param: "colour", code: "parameter_unknown" });

    const missing = await stripe.paymentIntents
      .create({ currency: "usd" } as Stripe.PaymentIntentCreateParams)
      .catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ param: "amount", code: "parameter_missing", message: "Missing required param: amount." });

    const response = await fetch(`${harness.emulator.url}/v1/payment_intents`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/x-www-form-urlencoded" },
      body: "amount=ten&currency=usd",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { param: "amount", message: "Invalid amount: must be an integer" } });
  });

  it("answers unknown URLs with 404 and rejects Stripe-Account where it does not apply", async () => {
    const unknown = await fetch(`${harness.emulator.url}/v1/customers`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(unknown.status).toBe(404);

    const noSuchAccount = await stripe.balance.retrieve({}, { stripeAccount: "acct_missing" }).catch((caught: unknown) => caught);
    expect(noSuchAccount).toBeInstanceOf(Stripe.errors.StripePermissionError);
    const account = await stripe.accounts.create({ type: "express" });
    const unsupported = await stripe.paymentIntents.list({}, { stripeAccount: account.id }).catch((caught: unknown) => caught);
    expect(unsupported).toMatchObject({ statusCode: 400, code: "stripe_account_not_supported" });
  });
});

describe("idempotency", () => {
  const params = { amount: 1000, currency: "usd", metadata: { purchase: "p1" } };

  it("replays the saved response for the same key and parameters", async () => {
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "purchase-p1" });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: "purchase-p1" });

    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1);
    await harness.webhooks.waitForEvent("payment_intent.created");
    expect(harness.webhooks.events("payment_intent.created")[0]?.request).toEqual({
      id: first.lastResponse.requestId,
      idempotency_key: "purchase-p1",
    });
  });

  it("refuses the same key with different parameters", async () => {
    await stripe.paymentIntents.create(params, { idempotencyKey: "purchase-p2" });

    const error = await stripe.paymentIntents
      .create({ ...params, amount: 2000 }, { idempotencyKey: "purchase-p2" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, message: expect.stringContaining("same parameters") });
  });

  it("replays errors from execution but not validation failures", async () => {
    const declined = { amount: 900, currency: "usd", payment_method: "pm_card_chargeDeclined", confirm: true };
    const firstDecline = await stripe.paymentIntents.create(declined, { idempotencyKey: "k-decline" }).catch((e: unknown) => e);
    const replayedDecline = await stripe.paymentIntents.create(declined, { idempotencyKey: "k-decline" }).catch((e: unknown) => e);
    expect(firstDecline).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((replayedDecline as Stripe.errors.StripeCardError).charge).toBe((firstDecline as Stripe.errors.StripeCardError).charge);
    expect((await stripe.charges.list()).data).toHaveLength(1);

    const invalid = await stripe.paymentIntents
      .create({ amount: -1, currency: "usd" }, { idempotencyKey: "k-invalid" })
      .catch((caught: unknown) => caught);
    expect(invalid).toMatchObject({ param: "amount" });
    const corrected = await stripe.paymentIntents.create({ amount: 100, currency: "usd" }, { idempotencyKey: "k-invalid" });
    expect(corrected.amount).toBe(100);
  });

  it("lets the SDK's automatic retries replay a request the emulator already ran", async () => {
    const retrying = sdkFor(harness.emulator.url, TEST_API_KEY, { maxNetworkRetries: 2 });
    const created = await retrying.paymentIntents.create(params);
    const key = created.lastResponse.idempotencyKey;

    expect(key).toMatch(/^stripe-node-retry-/);
    const replay = await fetch(`${harness.emulator.url}/v1/payment_intents`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        "content-type": "application/x-www-form-urlencoded",
        "idempotency-key": String(key),
      },
      body: "amount=1000&currency=usd&metadata[purchase]=p1",
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { id: string }).id).toBe(created.id);
  });
});

describe("events and webhooks", () => {
  it("lists and retrieves events, filtered by type and paginated", async () => {
    for (let i = 0; i < 3; i += 1) await stripe.paymentIntents.create({ amount: 100 + i, currency: "usd" });

    const page = await stripe.events.list({ type: "payment_intent.created", limit: 2 });
    const all = await stripe.events.list({ type: "payment_intent.*" }).autoPagingToArray({ limit: 10 });

    expect(page).toMatchObject({ object: "list", has_more: true, url: "/v1/events" });
    expect(all.map((event) => (event.data.object as Stripe.PaymentIntent).amount)).toEqual([102, 101, 100]);
    const event = await stripe.events.retrieve(all[0]?.id ?? "");
    expect(event).toMatchObject({ object: "event", type: "payment_intent.created", livemode: false, api_version: Stripe.API_VERSION });
  });

  it("delivers to webhook endpoints made through the API, with their own secret and event filter", async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["charge.refunded"] });
      expect(endpoint.id).toMatch(/^we_/);
      expect(endpoint.secret).toMatch(/^whsec_/);
      receiver.secret = String(endpoint.secret);
      const paymentIntent = await stripe.paymentIntents.create({ amount: 700, currency: "usd", payment_method: "pm_card_visa", confirm: true });
      await stripe.refunds.create({ payment_intent: paymentIntent.id });

      const refunded = await receiver.waitForEvent("charge.refunded");

      expect(receiver.requests.map((request) => request.event?.type)).toEqual(["charge.refunded"]);
      const [delivery] = receiver.requests;
      expect(() => Stripe.webhooks.constructEvent(delivery?.rawBody ?? "", delivery?.signature ?? "", harness.webhooks.secret)).toThrow(
        Stripe.errors.StripeSignatureVerificationError,
      );
      expect(refunded.id).toBe((await harness.webhooks.waitForEvent("charge.refunded")).id);
      expect((await stripe.webhookEndpoints.retrieve(endpoint.id)).secret).toBeUndefined();

      await stripe.webhookEndpoints.del(endpoint.id);
      await stripe.refunds.create({ payment_intent: (await stripe.paymentIntents.create({ amount: 800, currency: "usd", payment_method: "pm_card_visa", confirm: true })).id });
      await waitFor(() => harness.webhooks.events("charge.refunded").length === 2, "the second refund webhook");
      expect(receiver.requests).toHaveLength(1);
      expect((await stripe.webhookEndpoints.list()).data).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it("answers API calls without waiting for webhook receivers", async () => {
    const held: http.ServerResponse[] = [];
    const stalling = http.createServer((_request, response) => held.push(response));
    await new Promise<void>((resolve) => stalling.listen(0, "127.0.0.1", resolve));
    const endpoint = await stripe.webhookEndpoints.create({
      url: `http://127.0.0.1:${(stalling.address() as net.AddressInfo).port}/`,
      enabled_events: ["payment_intent.created"],
    });
    try {
      const paymentIntent = await stripe.paymentIntents.create({ amount: 100, currency: "usd" });

      await waitFor(() => held.length === 1, "the stalled delivery to arrive");
      expect(paymentIntent.status).toBe("requires_payment_method");
      expect(held[0]?.writableEnded).toBe(false);
    } finally {
      await stripe.webhookEndpoints.del(endpoint.id);
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });

  it("retries a failed delivery and records every attempt", async () => {
    harness.webhooks.respondWith = (index) => (index === 0 ? 500 : 200);

    const paymentIntent = await stripe.paymentIntents.create({ amount: 300, currency: "usd" });

    const delivered = await harness.webhooks.waitForEvent("payment_intent.created");
    expect((delivered.data.object as Stripe.PaymentIntent).id).toBe(paymentIntent.id);
    expect(harness.webhooks.requests.map((request) => request.status)).toEqual([500, 200]);
    expect(harness.webhooks.requests[0]?.event?.id).toBe(delivered.id);
    const event = await waitFor(async () => {
      const [listed] = await emulatorEvents("payment_intent.created");
      return listed?.deliveries[0]?.state === "delivered" && listed;
    }, "the delivery to be recorded");
    expect(event.deliveries).toEqual([
      expect.objectContaining({ state: "delivered", attempts: [expect.objectContaining({ status: 500 }), expect.objectContaining({ status: 200 })] }),
    ]);
    expect((await stripe.events.retrieve(delivered.id)).pending_webhooks).toBe(0);
  });

  it("gives up after a bounded number of attempts", async () => {
    harness.webhooks.respondWith = () => 503;

    await stripe.paymentIntents.create({ amount: 300, currency: "usd" });

    await waitFor(() => harness.logs.some((line) => line.includes("gave up after 3 attempts")), "the give-up log line");
    const [event] = await emulatorEvents("payment_intent.created");
    expect(event?.deliveries[0]).toMatchObject({ state: "failed" });
    expect(event?.deliveries[0]?.attempts.map((attempt) => attempt.status)).toEqual([503, 503, 503]);
    expect(harness.webhooks.requests).toHaveLength(3);
    expect(event?.pending_webhooks).toBe(1);
  });

  it("redelivers a past event unchanged on request", async () => {
    const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);
    await submitPayPage(session, "pay");
    const original = await harness.webhooks.waitForEvent("checkout.session.completed");

    const resent = await harness.control<{ deliveries: unknown[] }>(`resend/${original.id}`);

    expect(resent.deliveries).toHaveLength(1);
    await waitFor(() => harness.webhooks.events("checkout.session.completed").length === 2, "the redelivery");
    const [first, second] = harness.webhooks.events("checkout.session.completed");
    expect(second?.id).toBe(first?.id);
    expect(second?.data).toEqual(first?.data);
  });

  it("forgets everything on reset", async () => {
    const paymentIntent = await stripe.paymentIntents.create({ amount: 100, currency: "usd" });

    await harness.control("reset");

    await expect(stripe.paymentIntents.retrieve(paymentIntent.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await stripe.events.list()).data).toEqual([]);
  });
});

describe("server", () => {
  it("listens on 127.0.0.1 only", async () => {
    const url = new URL(harness.emulator.url);
    expect(url.hostname).toBe("127.0.0.1");

    // Another loopback address reaches a server bound to all interfaces but not one bound to 127.0.0.1.
    const reached = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(url.port), "127.0.0.2");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    expect(reached).toBe(false);
  });

  it("explains a port that is already in use", async () => {
    const port = Number(new URL(harness.emulator.url).port);

    await expect(startStripeEmulator({ port, webhookSecret: "whsec_x" })).rejects.toThrow(
      `Stripe emulator: port ${port} on 127.0.0.1 is already in use`,
    );
  });

  it("answers health checks without a key", async () => {
    const response = await fetch(`${harness.emulator.url}/_emulator/health`);

    expect(await response.json()).toEqual({ ok: true });
  });
});
