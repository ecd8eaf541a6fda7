import "server-only";
import type { PoolClient } from "pg";
import { type Leg, systemAccount, userAccount, walletAccount } from "@/server/domain/ledger";
import { type OrderActor, assertTransition, statusAfterPayment } from "@/server/domain/store-orders";
import { reverse } from "@/server/ledger/post";
import { postSale, refundSale } from "../sales/sales";
import type { OrderChange } from "./notifications";
import { type OrderRecord, recordOrderEvent, restoreStock, setStatus } from "./order-queries";

export { type OrderRecord, loadOrder, lockOrder, orderByKey, recordOrderEvent, setStatus } from "./order-queries";

/**
 * The database side of every change of a store order's status (inside the caller's transaction, the order row
 * locked first); the order record and its statements are in order-queries.ts. Buying lives in checkout.ts,
 * Stripe's refunds and disputes in card-adjustments.ts, what buyers, sellers and admins see in order-views.ts.
 *
 * Lock order, the same everywhere: the order row, then the item row (stock), then the ledger accounts.
 * Ledger keys are derived from the order id, so a replayed webhook or a retried request posts nothing twice:
 * `store-order:<id>:sale`, `:hold`, `:release`, `:refund`.
 */

export function saleDescription(order: { title: string; quantity: number }): string {
  return `Store: ${order.title}${order.quantity > 1 ? ` × ${order.quantity}` : ""}`;
}

/** saleDescription in SQL, for the statements that read the title and quantity themselves (checkout.ts, card-events.ts). */
export const saleDescriptionSql = (title: string, quantity: string) => `'Store: ' || ${title} || CASE WHEN ${quantity} > 1 THEN ' × ' || ${quantity} ELSE '' END`;

/** statusAfterPayment in SQL, for the statements that pay an order (checkout.ts, card-events.ts). */
export const statusAfterPaymentSql = (kind: string) => `(CASE ${kind} WHEN 'DIGITAL' THEN 'DELIVERED' ELSE 'PAID' END)::"StoreOrderStatus"`;

/** The note of a card order's payment event, in both paths (the one statement is in card-events.ts). */
export const CARD_PAYMENT_RECEIVED = "Card payment received";

/**
 * The card part of an AWAITING_PAYMENT order was paid: the sale is posted from the buyer's held credits (the
 * wallet part) and gateway clearing (the card part), and the order is paid (a digital one delivered). Null when
 * the order was already settled.
 */
export async function completeCardOrder(db: PoolClient, order: OrderRecord, paymentIntentId: string | null): Promise<OrderChange | null> {
  // A payment reaching a cancelled order is refunded by the webhook (checkout.ts, refundLatePayment).
  if (order.status !== "AWAITING_PAYMENT") return null;
  const status = statusAfterPayment(order.kind);
  assertTransition(order.status, status, order.kind, ["PAYMENT"]);
  const sources: Leg[] = [];
  if (order.walletPart > 0n) sources.push({ account: userAccount(order.buyerId, "held"), amount: -order.walletPart });
  sources.push({ account: systemAccount("gateway_clearing"), amount: -order.cardPart });
  const sale = await postSale(db, {
    kind: "STORE_SALE",
    saleKind: "STORE",
    buyerId: order.buyerId,
    performerId: order.sellerId,
    amount: order.total,
    idempotencyKey: `store-order:${order.id}:sale`,
    request: { orderId: order.id },
    description: saleDescription(order),
    // cardPaymentId and gateway name the card payment, so its processor fee can be read (server/services/revenue).
    metadata: {
      orderId: order.id,
      itemId: order.itemId,
      quantity: order.quantity,
      paymentIntentId,
      ...(paymentIntentId ? { cardPaymentId: paymentIntentId, gateway: "stripe" } : {}),
    },
    sources,
  });
  await setStatus(db, order.id, status, { saleTransactionId: sale.transactionId, paymentIntentId });
  await recordOrderEvent(db, order.id, status, null, CARD_PAYMENT_RECEIVED);
  return { orderId: order.id, event: "paid" };
}

/**
 * An AWAITING_PAYMENT order ends without payment (the card failed, the checkout expired, the buyer cancelled):
 * the stock goes back and the held wallet part is released by reversing its hold. Null when already settled.
 */
export async function releaseCardOrder(
  db: PoolClient,
  order: OrderRecord,
  by: { actor: OrderActor; actorId: string | null; note: string },
): Promise<OrderChange | null> {
  if (order.status !== "AWAITING_PAYMENT") return null;
  assertTransition(order.status, "CANCELLED", order.kind, [by.actor]);
  await restoreStock(db, order);
  if (order.holdTransactionId !== null) {
    await reverse(db, {
      transactionId: order.holdTransactionId,
      idempotencyKey: `store-order:${order.id}:release`,
      actorId: by.actorId,
      description: `Store order cancelled: ${order.title}`,
    });
  }
  await setStatus(db, order.id, "CANCELLED");
  await recordOrderEvent(db, order.id, "CANCELLED", by.actorId, by.note);
  return { orderId: order.id, event: "cancelled" };
}

/**
 * Takes a paid order back in the ledger: the sale is refunded (the wallet part to the wallet that paid it,
 * the card part to gateway clearing, the card itself having been refunded by the caller) and the stock restored.
 */
export async function refundPaidOrder(
  db: PoolClient,
  order: OrderRecord,
  by: { actors: OrderActor[]; actorId: string | null; note: string | null },
): Promise<OrderChange | null> {
  if (order.status === "REFUNDED") return null;
  assertTransition(order.status, "REFUNDED", order.kind, by.actors);
  if (order.saleTransactionId === null) throw new Error(`store order ${order.id} is ${order.status} without a sale`);
  await restoreStock(db, order);
  const destinations: Leg[] = [];
  if (order.walletPart > 0n) destinations.push({ account: walletAccount(order.buyerId, order.wallet), amount: order.walletPart });
  if (order.cardPart > 0n) destinations.push({ account: systemAccount("gateway_clearing"), amount: order.cardPart });
  const refund = await refundSale(db, {
    saleTransactionId: order.saleTransactionId,
    idempotencyKey: `store-order:${order.id}:refund`,
    actorId: by.actorId,
    description: `Refund: ${saleDescription(order)}`,
    destinations,
    metadata: { orderId: order.id },
  });
  await setStatus(db, order.id, "REFUNDED", { refundTransactionId: refund.transactionId });
  await recordOrderEvent(db, order.id, "REFUNDED", by.actorId, by.note);
  return { orderId: order.id, event: "refunded" };
}
