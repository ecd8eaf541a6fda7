import "server-only";
import type Stripe from "stripe";
import { env } from "@/server/env";
import { type EventTopic, type GatewayEvent, type GatewayMetadata, RefusedWebhook } from "../gateway";
import { stripe } from "./client";

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

/** The Stripe event types the platform acts on, by what they are about. */
const TOPICS: Record<string, EventTopic> = {
  "checkout.session.completed": "checkout",
  "checkout.session.async_payment_succeeded": "checkout",
  "checkout.session.async_payment_failed": "checkout",
  "checkout.session.expired": "checkout",
  "charge.refunded": "refund",
  "charge.dispute.created": "dispute",
  "charge.dispute.closed": "dispute",
  "payout.paid": "payout",
  "payout.failed": "payout",
  "payout.canceled": "payout",
  "payment_intent.amount_capturable_updated": "authorization",
  "payment_intent.succeeded": "authorization",
  "payment_intent.canceled": "authorization",
  "payment_intent.payment_failed": "authorization",
};

function stringsOnly(value: unknown): GatewayMetadata {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** A verified Stripe event in the gateway's terms: only the event's id, type, account and object id are kept. */
export function normaliseEvent(event: Stripe.Event): GatewayEvent {
  const object = event.data.object as { id?: unknown; metadata?: unknown };
  return {
    gateway: "stripe",
    id: event.id,
    type: event.type,
    topic: TOPICS[event.type] ?? "other",
    objectId: typeof object.id === "string" && object.id !== "" ? object.id : null,
    account: event.account ?? null,
    claimedMetadata: stringsOnly(object.metadata),
  };
}
