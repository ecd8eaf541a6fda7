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

/** A webhook delivery refused before anything is read from it; the route answers 400 with the reason. */
export class RefusedWebhook extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "RefusedWebhook";
  }
}

/** How far a signature's timestamp may be from now either way, as Stripe's own default tolerance. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

function signedAt(signature: string): number | null {
  const value = signature
    .split(",")
    .map((part) => part.trim())
    .find((part) => part.startsWith("t="))
    ?.slice(2);
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

function isEvent(value: unknown): value is Stripe.Event {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { id, type, data } = value as Record<string, unknown>;
  if (typeof id !== "string" || typeof type !== "string" || typeof data !== "object" || data === null) return false;
  const object = (data as Record<string, unknown>).object;
  return typeof object === "object" && object !== null && !Array.isArray(object);
}

/**
 * Checks a webhook's Stripe-Signature against the raw request body and returns the event. Refuses a missing,
 * forged or stale signature (the SDK's check), one dated in the future (the SDK only checks the past), and a
 * signed body that is not an event object (`null`, `[]`, an event without `data`).
 */
export function verifyStripeWebhook(rawBody: string, signature: string | null, nowMs = Date.now()): Stripe.Event {
  let payload: unknown;
  try {
    // An absent header is rejected by the SDK itself ("No stripe-signature header value was provided").
    payload = stripe().webhooks.constructEvent(rawBody, signature ?? "", env.STRIPE_WEBHOOK_SECRET, SIGNATURE_TOLERANCE_SECONDS, undefined, nowMs);
  } catch {
    throw new RefusedWebhook("invalid signature");
  }
  const timestamp = signedAt(signature ?? "");
  if (timestamp === null || timestamp > Math.floor(nowMs / 1000) + SIGNATURE_TOLERANCE_SECONDS) throw new RefusedWebhook("invalid signature");
  if (!isEvent(payload)) throw new RefusedWebhook("not a Stripe event");
  return payload;
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
