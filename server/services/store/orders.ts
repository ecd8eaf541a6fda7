import "server-only";
import type { PoolClient } from "pg";
import type { Queryable } from "@/server/db/transaction";
import { type Leg, systemAccount, userAccount } from "@/server/domain/ledger";
import type { ShippingAddress } from "@/server/domain/store";
import { type OrderActor, assertTransition, statusAfterPayment } from "@/server/domain/store-orders";
import type { StoreItemKind, StoreOrderStatus } from "@/server/generated/prisma/enums";
import { reverse } from "@/server/ledger/post";
import { postSale, refundSale } from "../sales/sales";
import type { OrderChange } from "./notifications";

/**
 * Store orders as records, and the database side of every change of status (inside the caller's transaction, the
 * order row locked first). Buying lives in checkout.ts, Stripe's refunds and disputes in card-adjustments.ts,
 * what buyers, sellers and admins see in order-views.ts.
 *
 * Lock order, the same everywhere: the order row, then the item row (stock), then the ledger accounts.
 * Ledger keys are derived from the order id, so a replayed webhook or a retried request posts nothing twice:
 * `store-order:<id>:sale`, `:hold`, `:release`, `:refund`.
 */

export interface OrderRecord {
  id: string;
  itemId: string;
  kind: StoreItemKind;
  title: string;
  buyerId: string;
  sellerId: string | null;
  quantity: number;
  unitPrice: bigint;
  total: bigint;
  walletPart: bigint;
  cardPart: bigint;
  cardAmountMinor: bigint;
  cardRefundedMinor: bigint;
  currency: string | null;
  status: StoreOrderStatus;
  idempotencyKey: string;
  shippingAddress: ShippingAddress | null;
  trackingNote: string | null;
  stripeCheckoutSessionId: string | null;
  stripePaymentIntentId: string | null;
  holdTransactionId: bigint | null;
  saleTransactionId: bigint | null;
  hasFile: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface OrderRow {
  id: string;
  item_id: string;
  kind: StoreItemKind;
  title: string;
  buyer_id: string;
  seller_id: string | null;
  quantity: number;
  unit_price: string;
  total: string;
  wallet_part: string;
  card_part: string;
  card_amount_minor: string;
  card_refunded_minor: string;
  currency: string | null;
  status: StoreOrderStatus;
  idempotency_key: string;
  shipping_address: ShippingAddress | null;
  tracking_note: string | null;
  stripe_checkout_session_id: string | null;
  stripe_payment_intent_id: string | null;
  hold_transaction_id: string | null;
  sale_transaction_id: string | null;
  has_file: boolean;
  created_at: Date;
  updated_at: Date;
}

const ORDER_COLUMNS = `o.id, o.item_id, i.kind, i.title, o.buyer_id, o.seller_id, o.quantity, o.unit_price, o.total, o.wallet_part,
  o.card_part, o.card_amount_minor, o.card_refunded_minor, o.currency, o.status, o.idempotency_key, o.shipping_address, o.tracking_note,
  o.stripe_checkout_session_id, o.stripe_payment_intent_id, o.hold_transaction_id, o.sale_transaction_id,
  i.storage_key IS NOT NULL AS has_file, o.created_at, o.updated_at`;

function recordOf(row: OrderRow): OrderRecord {
  const optionalBigInt = (value: string | null) => (value === null ? null : BigInt(value));
  return {
    id: row.id,
    itemId: row.item_id,
    kind: row.kind,
    title: row.title,
    buyerId: row.buyer_id,
    sellerId: row.seller_id,
    quantity: row.quantity,
    unitPrice: BigInt(row.unit_price),
    total: BigInt(row.total),
    walletPart: BigInt(row.wallet_part),
    cardPart: BigInt(row.card_part),
    cardAmountMinor: BigInt(row.card_amount_minor),
    cardRefundedMinor: BigInt(row.card_refunded_minor),
    currency: row.currency,
    status: row.status,
    idempotencyKey: row.idempotency_key,
    shippingAddress: row.shipping_address,
    trackingNote: row.tracking_note,
    stripeCheckoutSessionId: row.stripe_checkout_session_id,
    stripePaymentIntentId: row.stripe_payment_intent_id,
    holdTransactionId: optionalBigInt(row.hold_transaction_id),
    saleTransactionId: optionalBigInt(row.sale_transaction_id),
    hasFile: row.has_file,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function loadOrder(db: Queryable, orderId: string): Promise<OrderRecord | null> {
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM store_orders o JOIN store_items i ON i.id = o.item_id WHERE o.id = $1`, [orderId]);
  return rows[0] ? recordOf(rows[0]) : null;
}

/** The order, its row locked until the caller's transaction ends. */
export async function lockOrder(db: PoolClient, orderId: string): Promise<OrderRecord | null> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM store_orders o JOIN store_items i ON i.id = o.item_id WHERE o.id = $1 FOR UPDATE OF o`,
    [orderId],
  );
  return rows[0] ? recordOf(rows[0]) : null;
}

export async function orderByKey(db: Queryable, buyerId: string, idempotencyKey: string): Promise<OrderRecord | null> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM store_orders o JOIN store_items i ON i.id = o.item_id WHERE o.buyer_id = $1 AND o.idempotency_key = $2`,
    [buyerId, idempotencyKey],
  );
  return rows[0] ? recordOf(rows[0]) : null;
}

export async function recordOrderEvent(db: Queryable, orderId: string, status: StoreOrderStatus, actorId: string | null, note: string | null): Promise<void> {
  await db.query(`INSERT INTO store_order_events (order_id, status, actor_id, note) VALUES ($1, $2::"StoreOrderStatus", $3, $4)`, [
    orderId,
    status,
    actorId,
    note,
  ]);
}

export async function setStatus(db: Queryable, orderId: string, status: StoreOrderStatus, changes: { saleTransactionId?: bigint; refundTransactionId?: bigint; paymentIntentId?: string | null; trackingNote?: string | null } = {}): Promise<void> {
  await db.query(
    `UPDATE store_orders
        SET status = $2::"StoreOrderStatus",
            sale_transaction_id = coalesce($3, sale_transaction_id),
            refund_transaction_id = coalesce($4, refund_transaction_id),
            stripe_payment_intent_id = coalesce(stripe_payment_intent_id, $5),
            tracking_note = coalesce($6, tracking_note),
            updated_at = now()
      WHERE id = $1`,
    [
      orderId,
      status,
      changes.saleTransactionId?.toString() ?? null,
      changes.refundTransactionId?.toString() ?? null,
      changes.paymentIntentId ?? null,
      changes.trackingNote ?? null,
    ],
  );
}

/** Puts reserved units back on the shelf; an item made unlimited meanwhile has nothing to count. */
async function restoreStock(db: Queryable, order: OrderRecord): Promise<void> {
  await db.query("UPDATE store_items SET stock = stock + $2, updated_at = now() WHERE id = $1 AND stock IS NOT NULL", [order.itemId, order.quantity]);
}

export function saleDescription(order: { title: string; quantity: number }): string {
  return `Store: ${order.title}${order.quantity > 1 ? ` × ${order.quantity}` : ""}`;
}

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
    metadata: { orderId: order.id, itemId: order.itemId, quantity: order.quantity, paymentIntentId },
    sources,
  });
  await setStatus(db, order.id, status, { saleTransactionId: sale.transactionId, paymentIntentId });
  await recordOrderEvent(db, order.id, status, null, "Card payment received");
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
 * Takes a paid order back in the ledger: the sale is refunded (the wallet part to the buyer's available credits,
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
  if (order.walletPart > 0n) destinations.push({ account: userAccount(order.buyerId, "available"), amount: order.walletPart });
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
