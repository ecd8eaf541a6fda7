import Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStripeEmulator, type StripeEmulator } from "@/server/local/stripe/server";
import { CHECKOUT_PARAMS, submitPayPage, WebhookReceiver } from "@/server/local/stripe/testing";

const API_KEY = "sk_test_integration_client";
const WEBHOOK_SECRET = "whsec_integration_client";

let emulator: StripeEmulator;
let webhooks: WebhookReceiver;

beforeAll(async () => {
  webhooks = await WebhookReceiver.start(WEBHOOK_SECRET);
  emulator = await startStripeEmulator({ port: 0, webhookUrl: webhooks.url, webhookSecret: WEBHOOK_SECRET, apiKey: API_KEY, log: () => {} });
  process.env.STRIPE_API_URL = emulator.url;
  process.env.STRIPE_SECRET_KEY = API_KEY;
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  // server/env.ts requires a database URL; nothing here connects to it.
  process.env.DATABASE_URL ??= "postgres://unused@127.0.0.1:1/unused";
});

afterAll(async () => {
  await emulator.close();
  await webhooks.close();
});

it("talks to the emulator named by STRIPE_API_URL with the SDK's defaults and two retries", async () => {
  const { stripe } = await import("./client");

  const session = await stripe().checkout.sessions.create(CHECKOUT_PARAMS);

  expect(session.url).toBe(`${emulator.url}/pay/${session.id}`);
  expect(session.lastResponse.apiVersion).toBe(Stripe.API_VERSION);
  expect(stripe().getMaxNetworkRetries()).toBe(2);
  expect(stripe()).toBe(stripe());
});

it("verifies a delivered webhook and refuses a forged, altered or unsigned one", async () => {
  const { stripe } = await import("./client");
  const { verifyStripeWebhook } = await import("./webhooks");
  const session = await stripe().checkout.sessions.create(CHECKOUT_PARAMS);
  await submitPayPage(session, "pay");
  await webhooks.waitForEvent("checkout.session.completed");
  const delivery = webhooks.requests.find((request) => request.event?.type === "checkout.session.completed");
  if (!delivery) throw new Error("no delivery recorded");

  const event = verifyStripeWebhook(delivery.rawBody, delivery.signature);

  expect(event).toMatchObject({ type: "checkout.session.completed", data: { object: { id: session.id } } });
  const forged = Stripe.webhooks.generateTestHeaderString({ payload: delivery.rawBody, secret: "whsec_someone_else" });
  expect(() => verifyStripeWebhook(delivery.rawBody, forged)).toThrow("invalid signature");
  expect(() => verifyStripeWebhook(delivery.rawBody.replace(session.id, "cs_test_other"), delivery.signature)).toThrow("invalid signature");
  expect(() => verifyStripeWebhook(delivery.rawBody, null)).toThrow("invalid signature");
});

const signedNow = (payload: string, timestamp = Math.floor(Date.now() / 1000)) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp });

it("refuses a correctly signed delivery dated in the future, or too long ago", async () => {
  const { verifyStripeWebhook } = await import("./webhooks");
  const body = JSON.stringify({ id: "evt_future", type: "customer.created", data: { object: { id: "cus_1" } } });
  const now = Math.floor(Date.now() / 1000);

  expect(verifyStripeWebhook(body, signedNow(body, now + 60)).id).toBe("evt_future");
  expect(() => verifyStripeWebhook(body, signedNow(body, now + 3600))).toThrow("invalid signature");
  expect(() => verifyStripeWebhook(body, signedNow(body, now + 10 * 365 * 86_400))).toThrow("invalid signature");
  expect(() => verifyStripeWebhook(body, signedNow(body, now - 3600))).toThrow("invalid signature");
});

it.each([
  ["null", "null"],
  ["an array", "[]"],
  ["a string", JSON.stringify("evt_1")],
  ["an empty object", "{}"],
  ["an event without data", JSON.stringify({ id: "evt_1", type: "checkout.session.completed" })],
  ["an event whose data has no object", JSON.stringify({ id: "evt_1", type: "checkout.session.completed", data: {} })],
  ["an event whose object is a list", JSON.stringify({ id: "evt_1", type: "checkout.session.completed", data: { object: [] } })],
  ["an event without a type", JSON.stringify({ id: "evt_1", data: { object: { id: "cs_1" } } })],
])("refuses a correctly signed body that is %s", async (_case, body) => {
  const { verifyStripeWebhook } = await import("./webhooks");
  expect(() => verifyStripeWebhook(body, signedNow(body))).toThrow("not a Stripe event");
});
