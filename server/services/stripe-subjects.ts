import type { PoolClient } from "pg";
import type Stripe from "stripe";
import { type PaymentFacts, paymentMismatches } from "@/server/domain/stripe-payments";
import { recordAudit } from "@/server/services/audit/record";

/** A webhook's object as re-read from Stripe: the only source of the identifiers and amounts acted on. */
export type EventSubject =
  | { kind: "session"; session: Stripe.Checkout.Session }
  | { kind: "refund"; charge: Stripe.Charge }
  | { kind: "dispute"; dispute: Stripe.Dispute; charge: Stripe.Charge };

/** What Stripe says was paid: a session's total, or the whole charge a refund or dispute is about. */
export function paymentFactsOf(subject: EventSubject): PaymentFacts {
  if (subject.kind === "session") {
    return { checkoutSessionId: subject.session.id, amountMinor: BigInt(subject.session.amount_total ?? 0), currency: subject.session.currency ?? "" };
  }
  return { checkoutSessionId: null, amountMinor: BigInt(subject.charge.amount), currency: subject.charge.currency };
}

/**
 * A Stripe object that names one of our rows but does not match it: nothing is credited or taken back, the
 * event is recorded (so Stripe stops retrying) and an admin sees it in the audit log.
 */
async function recordPaymentMismatch(
  db: PoolClient,
  event: Stripe.Event,
  target: { type: "credit_purchase" | "store_order"; id: string },
  stored: PaymentFacts,
  atStripe: PaymentFacts,
  fields: readonly string[],
): Promise<void> {
  const facts = (f: PaymentFacts) => ({ checkoutSessionId: f.checkoutSessionId, amountMinor: f.amountMinor.toString(), currency: f.currency });
  console.error(`[stripe webhook] ${event.type} ${event.id} does not match ${target.type} ${target.id}: ${fields.join(", ")}`);
  await recordAudit(db, {
    actorId: null,
    action: "stripe.payment_mismatch",
    target,
    details: { eventId: event.id, eventType: event.type, differs: fields, stored: facts(stored), atStripe: facts(atStripe) },
  });
}


/** True when Stripe's payment matches the stored one; otherwise the mismatch is recorded for admins and false returned. */
export async function paymentMatches(
  db: PoolClient,
  event: Stripe.Event,
  target: { type: "credit_purchase" | "store_order"; id: string },
  stored: PaymentFacts,
  subject: EventSubject,
): Promise<boolean> {
  const atStripe = paymentFactsOf(subject);
  const fields = paymentMismatches(stored, atStripe);
  if (fields.length === 0) return true;
  await recordPaymentMismatch(db, event, target, stored, atStripe, fields);
  return false;
}
