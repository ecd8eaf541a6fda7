import "server-only";
import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { CREDITS, systemAccount } from "@/server/domain/ledger";
import type { Checkout, GatewayEvent } from "@/server/integrations/payments";
import { enqueue, wakeRelayWhenIdleSql } from "@/server/outbox/messages";
import {
  PAID_CHECKOUT_PARAMS,
  type PaidCheckout,
  paidCheckoutMatchesSql,
  paidCheckoutOf,
  paidCheckoutParams,
  recordEventSql,
  settleInOneStatement,
} from "../purchases/paid-checkout";
import { type PaymentSubject, paymentMatches } from "../purchases/payment-subjects";
import { insertStripeEvent } from "../purchases/queries";
import type { WebhookOutcome } from "../purchases/webhooks";
import { type SaleArgumentsInSql, ledgerSaleSql, saleParams } from "../sales/sales";
import { applyCardDispute, applyCardRefund } from "./card-adjustments";
import { STORE_ORDER_METADATA_KIND } from "./checkout";
import { type OrderChange, announceOrderChange } from "./notifications";
import { setCheckoutSession, setPaymentIntent } from "./order-queries";
import {
  CARD_PAYMENT_RECEIVED,
  type OrderRecord,
  completeCardOrder,
  lockOrder,
  recordOrderEvent,
  releaseCardOrder,
  saleDescriptionSql,
  statusAfterPaymentSql,
} from "./orders";

/** Stripe's events about a store order's card part (paid, failed, expired, refunded, disputed), settled in one statement or one transaction each. */

export type CardOutcome = "paid" | "failed" | "pending";

/** What the processor's current checkout says about the card part: paid, failed for good (expired, or declined later), or not yet known. */
export function cardOutcome(checkout: Checkout): CardOutcome {
  if (checkout.payment === "paid") return "paid";
  if (checkout.status === "expired") return "failed";
  return checkout.payment === "failed" ? "failed" : "pending";
}

/**
 * Settles a store order from a Stripe event whose object the caller re-read from Stripe (the event only says
 * something happened) and found to name this order. A paid checkout of an order awaiting it, matching what was
 * stored, is one statement (paidCheckoutSql); anything else goes through settleStoreOrderInTransaction.
 */
export async function handleStoreOrderEvent(event: GatewayEvent, orderId: string, subject: PaymentSubject): Promise<WebhookOutcome> {
  const paid = subject.kind === "checkout" ? paidCheckoutOf(event, subject.checkout) : null;
  if (paid && (await settlePaidCheckout(orderId, paid))) return "processed";
  return settleStoreOrderInTransaction(event, orderId, subject);
}

/**
 * The arguments of the card order's sale that its statement reads from the order it locked, as completeCardOrder
 * gives them: the buyer, the seller, the total, saleDescription's words, the metadata naming the card payment ($7)
 * and the sources: the held wallet part, if any, then gateway clearing for the card part.
 */
const CARD_ORDER_SALE: SaleArgumentsInSql = {
  buyer: "awaiting.buyer_id",
  performer: "awaiting.seller_id",
  amount: "awaiting.total",
  description: saleDescriptionSql("awaiting.title", "awaiting.quantity"),
  metadata: `jsonb_build_object('orderId', awaiting.id, 'itemId', awaiting.item_id, 'quantity', awaiting.quantity,
                                'paymentIntentId', $7::text, 'cardPaymentId', $7::text, 'gateway', 'stripe')`,
  sourceCodes: `CASE WHEN awaiting.wallet_part > 0 THEN ARRAY['user:' || awaiting.buyer_id || ':held:${CREDITS}', '${systemAccount("gateway_clearing")}']
                     ELSE ARRAY['${systemAccount("gateway_clearing")}'] END`,
  sourceAmounts: "CASE WHEN awaiting.wallet_part > 0 THEN ARRAY[-awaiting.wallet_part, -awaiting.card_part] ELSE ARRAY[-awaiting.card_part] END",
};

/**
 * A paid checkout settled in one statement, in the common case: the order awaiting its card payment, whose stored
 * session, amount and currency are the checkout's (paidCheckoutMatchesSql), locked as the transaction locks it (a
 * concurrent event about it waits, then finds it paid); the event recorded (one recorded already stops it here);
 * the sale (ledger_sale) under the order's key; the order paid (delivered when digital, as statusAfterPayment
 * says) with the card payment, its event, and one outbox message naming it, from which the relay renders what
 * announceOrderChange writes for a payment (orderPaidAnnouncements). No row when anything does not qualify:
 * nothing is written. The relay is woken as a tip's statement wakes it (wakeRelayWhenIdleSql).
 */
const paidCheckoutSql = `
WITH awaiting AS MATERIALIZED (
  SELECT o.id, o.buyer_id, o.seller_id, o.item_id, o.quantity, o.total, o.wallet_part, o.card_part, i.kind, i.title
    FROM store_orders o JOIN store_items i ON i.id = o.item_id
   WHERE o.id = $1::uuid AND o.status = 'AWAITING_PAYMENT'
     AND ${paidCheckoutMatchesSql("o", { session: "stripe_checkout_session_id", amount: "card_amount_minor", currency: "currency" })}
     FOR UPDATE OF o
), recorded AS MATERIALIZED (
  ${recordEventSql("awaiting")}
), sale AS MATERIALIZED (
  SELECT awaiting.id, awaiting.kind, s.transaction_id
    FROM awaiting CROSS JOIN recorded CROSS JOIN LATERAL ${ledgerSaleSql(CARD_ORDER_SALE, PAID_CHECKOUT_PARAMS + 1)} s
), paid AS (
  UPDATE store_orders o
     SET status = ${statusAfterPaymentSql("s.kind")}, sale_transaction_id = s.transaction_id,
         stripe_payment_intent_id = coalesce(o.stripe_payment_intent_id, $7::text), updated_at = now()
    FROM sale s
   WHERE o.id = s.id
  RETURNING o.id, o.status
), noted AS (
  INSERT INTO store_order_events (order_id, status, actor_id, note)
  SELECT id, status, NULL, '${CARD_PAYMENT_RECEIVED}' FROM paid
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT 'store-order:' || id || ':paid', 'store-order-paid', jsonb_build_object('orderId', id) FROM paid
)
SELECT p.status, ${wakeRelayWhenIdleSql("true")} AS woke_relay
  FROM paid p`;

/** True when paidCheckoutSql settled the order; false sends the event to the transaction. */
async function settlePaidCheckout(orderId: string, paid: PaidCheckout): Promise<boolean> {
  const sale = saleParams(
    {
      kind: "STORE_SALE",
      saleKind: "STORE",
      idempotencyKey: `store-order:${orderId}:sale`,
      request: { orderId },
    },
    CARD_ORDER_SALE,
  );
  const row = await settleInOneStatement({ name: "settle_store_order_paid_checkout", text: paidCheckoutSql, values: [...paidCheckoutParams(orderId, paid), ...sale] });
  return row !== null;
}

/**
 * A store order settled from a Stripe event in one transaction (exported for the parity test, which holds
 * paidCheckoutSql to it): the event id is recorded, the order locked and compared with Stripe's payment (another
 * session, amount or currency is refused and shown to admins), and then: a session paid posts the sale, failed or
 * expired releases the hold; a refund made at Stripe (ours or from the dashboard) and a dispute reach the order. A
 * duplicate or stale event changes nothing.
 */
export async function settleStoreOrderInTransaction(event: GatewayEvent, orderId: string, subject: PaymentSubject): Promise<WebhookOutcome> {
  const outcome = subject.kind === "checkout" ? cardOutcome(subject.checkout) : null;
  const result = await withTransaction(pool, async (db) => {
    // The order is locked before the event is recorded, in the order paidCheckoutSql takes them (see
    // settleRequestInTransaction).
    const order = await lockOrder(db, orderId);
    if (!(await insertStripeEvent(db, event.id, event.type))) return { outcome: "duplicate" as const };
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
