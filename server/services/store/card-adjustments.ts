import "server-only";
import type { PoolClient } from "pg";
import { clawbackLegs, creditsForPaymentShare, purchaseLegs, refundClawback } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import type { StoreOrderStatus } from "@/server/generated/prisma/enums";
import { post } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import type { OrderChange } from "./notifications";
import { setCardRefundedMinor } from "./order-queries";
import { type OrderRecord, recordOrderEvent, refundPaidOrder, saleDescription } from "./orders";

/** What Stripe reports after a store order's card part was paid: refunds made at Stripe and disputes, in the ledger. */

const CARD_SETTLED_STATUSES: readonly StoreOrderStatus[] = ["PAID", "SHIPPED", "DELIVERED"];

/**
 * Stripe reports the card part of a paid order refunded, by us or in its dashboard (`amountRefundedMinor` is
 * the charge's cumulative total). In full: the order is refunded as a seller's refund would (wallet part back,
 * the performer's share clawed back, stock restored), giving back what earlier partial refunds took. In part:
 * the buyer gives back the credits that part bought, like a refunded credit purchase (their wallet may go
 * negative). Keys come from the order and the refunded total, so a replay posts nothing twice.
 */
export async function applyCardRefund(db: PoolClient, order: OrderRecord, refund: { chargeId: string; amountRefundedMinor: bigint }): Promise<OrderChange | null> {
  if (!CARD_SETTLED_STATUSES.includes(order.status) || order.cardPart === 0n) return null;
  const refundedNow = refund.amountRefundedMinor;
  if (refundedNow <= order.cardRefundedMinor) return null;
  const takenSoFar = creditsForPaymentShare(order.cardPart, order.cardAmountMinor, order.cardRefundedMinor);
  await setCardRefundedMinor(db, order.id, refundedNow);
  if (refundedNow >= order.cardAmountMinor) {
    if (takenSoFar > 0n) {
      await post(db, {
        kind: "PURCHASE_REFUND",
        idempotencyKey: `store-order:${order.id}:card-refund-returned`,
        actorId: null,
        description: `Partial card refunds of ${saleDescription(order)} returned: the order is refunded in full`,
        metadata: { orderId: order.id, chargeId: refund.chargeId },
        legs: purchaseLegs(order.buyerId, takenSoFar),
      });
    }
    return refundPaidOrder(db, order, { actors: ["PAYMENT"], actorId: null, note: "The card payment was refunded at Stripe" });
  }
  const credits = refundClawback({
    credits: order.cardPart,
    priceMinor: order.cardAmountMinor,
    refundedBeforeMinor: order.cardRefundedMinor,
    refundedNowMinor: refundedNow,
  });
  if (credits > 0n) {
    await post(db, {
      kind: "PURCHASE_REFUND",
      idempotencyKey: `store-order:${order.id}:card-refund-to:${refundedNow}`,
      actorId: null,
      description: `Card payment partly refunded: ${saleDescription(order)}`,
      metadata: { orderId: order.id, chargeId: refund.chargeId, refundedMinor: refundedNow.toString() },
      legs: clawbackLegs(order.buyerId, credits),
      allowOverdraft: true,
    });
  }
  await recordOrderEvent(db, order.id, order.status, null, `Part of the card payment was refunded at Stripe: ${formatCredits(credits)} credits taken back`);
  await enqueue(db, [{ key: `store-order:${order.id}:card-refund-to:${refundedNow}:wallet`, kind: "wallet-update", userId: order.buyerId }]);
  return null;
}

/**
 * The card part of a paid order is disputed: as with a disputed credit purchase, the credits that part bought
 * are taken back from the buyer (their wallet may go negative) and given back if the dispute is won. One
 * posting each, keyed by the dispute id.
 */
export async function applyCardDispute(db: PoolClient, order: OrderRecord, dispute: { id: string; amountMinor: bigint; won: boolean }): Promise<OrderChange | null> {
  if (!CARD_SETTLED_STATUSES.includes(order.status) || order.cardPart === 0n) return null;
  const credits = creditsForPaymentShare(order.cardPart, order.cardAmountMinor, dispute.amountMinor);
  if (credits === 0n) return null;
  const held = await post(db, {
    kind: "DISPUTE_HOLD",
    idempotencyKey: `store-order:${order.id}:dispute:${dispute.id}:hold`,
    actorId: null,
    description: `Card payment disputed: ${saleDescription(order)}`,
    metadata: { orderId: order.id, disputeId: dispute.id },
    legs: clawbackLegs(order.buyerId, credits),
    allowOverdraft: true,
  });
  if (!held.replayed) await recordOrderEvent(db, order.id, order.status, null, `The card payment is disputed: ${formatCredits(credits)} credits taken back`);
  if (dispute.won) {
    const released = await post(db, {
      kind: "DISPUTE_RELEASE",
      idempotencyKey: `store-order:${order.id}:dispute:${dispute.id}:release`,
      actorId: null,
      description: `Dispute won: ${saleDescription(order)}`,
      metadata: { orderId: order.id, disputeId: dispute.id },
      legs: purchaseLegs(order.buyerId, credits),
    });
    if (!released.replayed) await recordOrderEvent(db, order.id, order.status, null, `The dispute was won: ${formatCredits(credits)} credits given back`);
  }
  await enqueue(db, [{ key: `store-order:${order.id}:dispute:${dispute.id}:${dispute.won ? "won" : "open"}:wallet`, kind: "wallet-update", userId: order.buyerId }]);
  return null;
}

