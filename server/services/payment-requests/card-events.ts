import "server-only";
import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { systemAccount } from "@/server/domain/ledger";
import type { EventSubject, GatewayEvent } from "@/server/integrations/payments";
import { enqueue } from "@/server/outbox/messages";
import { paymentMatches } from "../purchases/payment-subjects";
import { insertStripeEvent } from "../purchases/queries";
import type { WebhookOutcome } from "../purchases/webhooks";
import { cardOutcome } from "../store/card-events";
import { announceRequestChange } from "./notices";
import { PAYMENT_REQUEST_METADATA_KIND } from "./paying";
import { completePayment } from "./paying";
import { type PaymentRequestRow, lockRequest, markClosed, markLateRefund, setCheckoutSessionIfUnset } from "./queries";
import { statusNow } from "./requests";

/**
 * Stripe's events about a payment request's Checkout, settled in one transaction each: the event id recorded, the
 * request locked and compared with the re-read checkout (another session, amount or currency is refused and shown
 * to admins). A paid checkout pays a request still pending and not past its expiry, posting the sale from gateway
 * clearing with the card payment named (contract: `cardPaymentId`, `gateway`); one that reaches a request already
 * paid (from a wallet), declined or expired is refunded in full through the outbox. Keys come from the request and
 * the payment, so replays and any delivery order end the same. Refunds and disputes of a paid request's charge are
 * recorded and change nothing here.
 */
export async function handlePaymentRequestEvent(event: GatewayEvent, requestId: string, subject: EventSubject): Promise<WebhookOutcome> {
  if (subject.kind !== "checkout") return recordOnly(event);
  const checkout = subject.checkout;
  const outcome = cardOutcome(checkout);
  return withTransaction(pool, async (db) => {
    if (!(await insertStripeEvent(db, event.id, event.type))) return "duplicate" as const;
    const row = await lockRequest(db, requestId);
    if (!row) return "ignored" as const;
    const stored = {
      checkoutSessionId: row.stripe_checkout_session_id,
      amountMinor: BigInt(row.card_amount_minor ?? "0"),
      currency: row.currency ?? "",
    };
    if (!(await paymentMatches(db, event, { type: "payment_request", id: row.id }, stored, subject))) return "mismatch" as const;
    // The answer that created the checkout may have been lost before its id was stored; the metadata vouches for it.
    if (row.stripe_checkout_session_id === null) await setCheckoutSessionIfUnset(db, row.id, checkout.id);
    if (outcome !== "paid") return "processed" as const;
    const paymentIntentId = checkout.paymentId;
    if (!paymentIntentId) throw new Error(`payment request ${row.id}: a paid checkout without a payment`);
    if (row.stripe_payment_intent_id === paymentIntentId) return "processed" as const;
    if (statusNow(row) === "PENDING") {
      await completePayment(db, row, {
        via: `card:${paymentIntentId}`,
        sources: [{ account: systemAccount("gateway_clearing"), amount: -BigInt(row.amount) }],
        walletTypeId: null,
        paymentIntentId,
        metadata: { cardPaymentId: paymentIntentId, gateway: event.gateway, checkoutSessionId: checkout.id, cardAmountMinor: stored.amountMinor.toString(), currency: stored.currency },
      });
    } else {
      await refundLatePayment(db, row, paymentIntentId, stored.amountMinor);
    }
    return "processed" as const;
  });
}

async function recordOnly(event: GatewayEvent): Promise<WebhookOutcome> {
  const recorded = await insertStripeEvent(pool, event.id, event.type);
  return recorded ? "processed" : "duplicate";
}

/**
 * A card payment that completed after the request was paid from a wallet, declined or expired: it pays for nothing,
 * so it is refunded in full, exactly once (the outbox message and the Stripe refund share the key
 * `payment-request:<id>:late-refund:<payment>`). A pending request past its expiry is marked expired on the way.
 */
async function refundLatePayment(db: PoolClient, row: PaymentRequestRow, paymentIntentId: string, amountMinor: bigint): Promise<void> {
  if (row.status === "PENDING" && (await markClosed(db, row.id, "EXPIRED"))) await announceRequestChange(db, row.id, "expired");
  await markLateRefund(db, row.id, paymentIntentId);
  const key = `payment-request:${row.id}:late-refund:${paymentIntentId}`;
  await enqueue(db, [
    {
      key,
      kind: "card-refund",
      paymentIntentId,
      amountMinor: amountMinor.toString(),
      idempotencyKey: key,
      metadata: { kind: PAYMENT_REQUEST_METADATA_KIND, payment_request_id: row.id },
    },
  ]);
}
