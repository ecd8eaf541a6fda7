import "server-only";
import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import type { Checkout, GatewayEvent } from "@/server/integrations/payments";
import { enqueue } from "@/server/outbox/messages";
import { type PaymentSubject, paymentMatches } from "../purchases/payment-subjects";
import { insertStripeEvent } from "../purchases/queries";
import type { WebhookOutcome } from "../purchases/webhooks";
import { applyCardDispute, applyCardRefund } from "./card-adjustments";
import { STORE_ORDER_METADATA_KIND } from "./checkout";
import { type OrderChange, announceOrderChange } from "./notifications";
import { setCheckoutSession, setPaymentIntent } from "./order-queries";
import { type OrderRecord, completeCardOrder, lockOrder, recordOrderEvent, releaseCardOrder } from "./orders";

/** Stripe's events about a store order's card part (paid, failed, expired, refunded, disputed), settled in one transaction each. */

export type CardOutcome = "paid" | "failed" | "pending";

/** What the processor's current checkout says about the card part: paid, failed for good (expired, or declined later), or not yet known. */
export function cardOutcome(checkout: Checkout): CardOutcome {
  if (checkout.payment === "paid") return "paid";
  if (checkout.status === "expired") return "failed";
  return checkout.payment === "failed" ? "failed" : "pending";
}

/**
 * Settles a store order from a Stripe event whose object the caller re-read from Stripe (the event only says
 * something happened) and found to name this order. In one transaction the event id is recorded, the order
 * locked and compared with Stripe's payment (another session, amount or currency is refused and shown to
 * admins), and then: a session paid posts the sale, failed or expired releases the hold; a refund made at
 * Stripe (ours or from the dashboard) and a dispute reach the order. A duplicate or stale event changes nothing.
 */
export async function handleStoreOrderEvent(event: GatewayEvent, orderId: string, subject: PaymentSubject): Promise<WebhookOutcome> {
  const outcome = subject.kind === "checkout" ? cardOutcome(subject.checkout) : null;
  const result = await withTransaction(pool, async (db) => {
    if (!(await insertStripeEvent(db, event.id, event.type))) return { outcome: "duplicate" as const };
    const order = await lockOrder(db, orderId);
    if (!order) return { outcome: "ignored" as const };
    const stored = { checkoutSessionId: order.stripeCheckoutSessionId, amountMinor: order.cardAmountMinor, currency: order.currency ?? "" };
    if (!(await paymentMatches(db, event, { type: "store_order", id: order.id }, stored, subject))) return { outcome: "mismatch" as const };

    let change: OrderChange | null = null;
    if (subject.kind === "checkout") {
      // The answer that created the checkout may have been lost before its id was stored; the metadata vouches for it.
      if (order.stripeCheckoutSessionId === null) {
        await setCheckoutSession(db, order.id, subject.checkout.id);
      }
      if (outcome === "paid" && order.status === "CANCELLED") await refundLatePayment(db, order, subject.checkout.paymentId);
      if (outcome === "paid") change = await completeCardOrder(db, order, subject.checkout.paymentId);
      if (outcome === "failed") {
        change = await releaseCardOrder(db, order, { actor: "PAYMENT", actorId: null, note: "The card payment did not go through" });
      }
    } else {
      // A refund or dispute proves the card part was paid, whatever the session events did so far.
      const paid = await completeCardOrder(db, order, subject.payment.paymentId);
      const current = paid ? await lockOrder(db, order.id) : order;
      if (!current) throw new Error(`store order ${order.id} vanished in its transaction`);
      change =
        subject.kind === "refund"
          ? await applyCardRefund(db, current, { chargeId: subject.payment.chargeId, amountRefundedMinor: subject.payment.refundedMinor })
          : await applyCardDispute(db, current, { id: subject.dispute.id, amountMinor: subject.dispute.amountMinor, won: subject.dispute.status === "won" });
      await announceOrderChange(db, paid);
    }
    await announceOrderChange(db, change);
    return { outcome: "processed" as const };
  });
  return result.outcome;
}

/**
 * A card payment completed for an order already cancelled (its checkout could not be confirmed when it was
 * placed, or it was given up before the payment was seen): the goods stay unsold and the stock and credits stay
 * released, so the card is refunded in full. The refund is an outbox message written with the order's note, so it
 * is made exactly when this is recorded, retried until Stripe takes it, and its key makes it one refund.
 */
async function refundLatePayment(db: PoolClient, order: OrderRecord, paymentIntentId: string | null): Promise<void> {
  if (!paymentIntentId) throw new Error(`store order ${order.id}: a paid session without a payment intent`);
  if (order.stripePaymentIntentId !== null) return;
  await setPaymentIntent(db, order.id, paymentIntentId);
  await recordOrderEvent(db, order.id, "CANCELLED", null, "The card payment arrived after the order was cancelled and is refunded in full");
  await enqueue(db, [
    {
      key: `store-order:${order.id}:late-payment-refund`,
      kind: "card-refund",
      paymentIntentId,
      amountMinor: order.cardAmountMinor.toString(),
      idempotencyKey: `store-order:${order.id}:late-payment-refund`,
      metadata: { kind: STORE_ORDER_METADATA_KIND, store_order_id: order.id },
    },
  ]);
}
