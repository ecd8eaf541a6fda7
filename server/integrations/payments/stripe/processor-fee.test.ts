import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeEmulator, type StripeEmulator } from "@/server/local/stripe/server";
import { submitPayPage, WebhookReceiver } from "@/server/local/stripe/testing";
import type { CheckoutRequest, PaymentGateway } from "../gateway";

/**
 * processorFee against the local emulator, through the real SDK: the fee is the balance transaction's (Stripe's
 * US card pricing in the emulator, 2.9% + 30¢ of what was captured), and there is none before a capture.
 */

const API_KEY = "sk_test_processor_fee";
const WEBHOOK_SECRET = "whsec_processor_fee";

let emulator: StripeEmulator;
let webhooks: WebhookReceiver;
let gateway: PaymentGateway;

beforeAll(async () => {
  webhooks = await WebhookReceiver.start(WEBHOOK_SECRET);
  emulator = await startStripeEmulator({ port: 0, webhookUrl: webhooks.url, webhookSecret: WEBHOOK_SECRET, apiKey: API_KEY, log: () => {} });
  process.env.STRIPE_API_URL = emulator.url;
  process.env.STRIPE_SECRET_KEY = API_KEY;
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  // server/env.ts requires a database URL; nothing here connects to it.
  process.env.DATABASE_URL ??= "postgres://unused@127.0.0.1:1/unused";
  gateway = (await import("..")).payments();
});

afterAll(async () => {
  await emulator.close();
  await webhooks.close();
});

let keys = 0;

async function paid(overrides: Partial<CheckoutRequest>) {
  const checkout = await gateway.createCheckout({
    amountMinor: 1299n,
    currency: "usd",
    description: "Store order",
    metadata: { kind: "store_order" },
    successUrl: "https://tipmeter.test/store/done",
    cancelUrl: "https://tipmeter.test/store",
    idempotencyKey: `processor-fee-test:${++keys}`,
    ...overrides,
  });
  await submitPayPage({ url: checkout.url } as Stripe.Checkout.Session, "pay");
  return gateway.readCheckout(checkout.id);
}

describe("processorFee", () => {
  it("reads the fee of a paid card payment from its balance transaction", async () => {
    const checkout = await paid({ amountMinor: 1299n });
    // 2.9% of 1299 is 37.67, rounded to 38, plus 30.
    expect(await gateway.processorFee(checkout.paymentId ?? "")).toEqual({ feeMinor: 68n, currency: "usd" });
  });

  it("has none while a payment is only authorised, and the captured part's fee after a capture", async () => {
    const customer = await gateway.createCustomer({ metadata: { user_id: "fee-user" }, idempotencyKey: `processor-fee-test:${++keys}` });
    const checkout = await paid({ amountMinor: 2000n, saveCardFor: customer, captureLater: true });
    const paymentId = checkout.paymentId ?? "";
    expect(await gateway.processorFee(paymentId)).toBeNull();

    await gateway.capture(paymentId, 1000n);
    expect(await gateway.processorFee(paymentId)).toEqual({ feeMinor: 59n, currency: "usd" });
  });

  it("names a payment the processor does not know as refused and not found", async () => {
    await expect(gateway.processorFee("pi_unknown")).rejects.toMatchObject({ kind: "refused", notFound: true });
  });
});
