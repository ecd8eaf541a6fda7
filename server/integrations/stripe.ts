import Stripe from "stripe";
import { env } from "@/server/env";

/**
 * The app's Stripe client: the real SDK, pointed at the local emulator when STRIPE_API_URL is set (dev, tests,
 * demo) and at api.stripe.com otherwise.
 */
function createClient(): Stripe {
  const config: Stripe.StripeConfig = { maxNetworkRetries: 2, appInfo: { name: "Tipmeter" } };
  if (env.STRIPE_API_URL) {
    const apiUrl = new URL(env.STRIPE_API_URL);
    const protocol = apiUrl.protocol === "http:" ? "http" : "https";
    config.host = apiUrl.hostname;
    config.port = Number(apiUrl.port || (protocol === "http" ? 80 : 443));
    config.protocol = protocol;
  }
  return new Stripe(env.STRIPE_SECRET_KEY, config);
}

let client: Stripe | undefined;

/** The shared client, created on first use so that importing this module does no work. */
export function stripe(): Stripe {
  client ??= createClient();
  return client;
}

/**
 * Checks a webhook's Stripe-Signature against the raw request body and returns the event. Throws
 * Stripe.errors.StripeSignatureVerificationError when the header is missing, stale (over 5 minutes) or forged.
 */
export function verifyStripeWebhook(rawBody: string, signature: string | null): Stripe.Event {
  // An absent header is rejected by the SDK itself ("No stripe-signature header value was provided").
  return stripe().webhooks.constructEvent(rawBody, signature ?? "", env.STRIPE_WEBHOOK_SECRET);
}

/** The id of an expandable field, whether Stripe sent the id or the expanded object. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** A completed session that is still unpaid has either an async payment on its way or one that failed. */
export async function asyncPaymentFailed(session: Stripe.Checkout.Session): Promise<boolean> {
  const intentId = idOf(session.payment_intent);
  if (session.status !== "complete" || session.payment_status !== "unpaid" || !intentId) return false;
  const intent = await stripe().paymentIntents.retrieve(intentId);
  return intent.status === "requires_payment_method" || intent.status === "canceled";
}
