import "server-only";
import type { PoolClient } from "pg";
import { type PaymentFacts, paymentMismatches } from "@/server/domain/stripe-payments";
import type { EventSubject, GatewayEvent } from "@/server/integrations/payments";
import { recordAudit } from "@/server/services/audit/record";

/**
 * What a credit purchase or a store order acts on: its checkout, a refund or a dispute. Events about a
 * manual-capture authorisation (PaymentIntent events) tell them nothing their checkout does not.
 */
export type PaymentSubject = Exclude<EventSubject, { kind: "authorization" }>;

/** What the processor says was paid: a checkout's total, or the whole payment a refund or dispute is about. */
export function paymentFactsOf(subject: PaymentSubject): PaymentFacts {
  if (subject.kind === "checkout") {
    return { checkoutSessionId: subject.checkout.id, amountMinor: subject.checkout.amountMinor, currency: subject.checkout.currency };
  }
  return { checkoutSessionId: null, amountMinor: subject.payment.amountMinor, currency: subject.payment.currency };
}

/**
 * A processor's object that names one of our rows but does not match it: nothing is credited or taken back,
 * the event is recorded (so the processor stops retrying) and an admin sees it in the audit log.
 */
async function recordPaymentMismatch(
  db: PoolClient,
  event: GatewayEvent,
  target: { type: "credit_purchase" | "store_order" | "payment_request"; id: string },
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

/** True when the processor's payment matches the stored one; otherwise the mismatch is recorded for admins and false returned. */
export async function paymentMatches(
  db: PoolClient,
  event: GatewayEvent,
  target: { type: "credit_purchase" | "store_order" | "payment_request"; id: string },
  stored: PaymentFacts,
  subject: PaymentSubject,
): Promise<boolean> {
  const atStripe = paymentFactsOf(subject);
  const fields = paymentMismatches(stored, atStripe);
  if (fields.length === 0) return true;
  await recordPaymentMismatch(db, event, target, stored, atStripe, fields);
  return false;
}
