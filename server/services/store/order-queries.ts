import "server-only";
import type { PoolClient } from "pg";
import type { Queryable } from "@/server/db/transaction";
import type { ShippingAddress } from "@/server/domain/store";
import type { StoreItemKind, StoreOrderStatus } from "@/server/generated/prisma/enums";

/**
 * The SQL of store orders, each statement a named function with a typed row: they run inside the transactions
 * that lock an order row before changing its status alongside ledger postings, guard a change in their WHERE, or
 * compare with the database clock. Covered through the use cases by store.int.test.ts and checkout.int.test.ts.
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
  /** The wallet the wallet part came from, as its ledger account needs it: the hold, release and refund use it. */
  wallet: { id: string; accountKind: string; currency: string };
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
  wallet_type_id: string;
  wallet_account_kind: string;
  wallet_currency: string;
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
  o.wallet_type_id, w.account_kind AS wallet_account_kind, w.currency AS wallet_currency,
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
    wallet: { id: row.wallet_type_id, accountKind: row.wallet_account_kind, currency: row.wallet_currency },
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
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM store_orders o JOIN store_items i ON i.id = o.item_id JOIN wallet_types w ON w.id = o.wallet_type_id WHERE o.id = $1`, [orderId]);
  return rows[0] ? recordOf(rows[0]) : null;
}

/** The order, its row locked until the caller's transaction ends. */
export async function lockOrder(db: PoolClient, orderId: string): Promise<OrderRecord | null> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM store_orders o JOIN store_items i ON i.id = o.item_id JOIN wallet_types w ON w.id = o.wallet_type_id WHERE o.id = $1 FOR UPDATE OF o`,
    [orderId],
  );
  return rows[0] ? recordOf(rows[0]) : null;
}

export async function orderByKey(db: Queryable, buyerId: string, idempotencyKey: string): Promise<OrderRecord | null> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM store_orders o JOIN store_items i ON i.id = o.item_id JOIN wallet_types w ON w.id = o.wallet_type_id WHERE o.buyer_id = $1 AND o.idempotency_key = $2`,
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
export async function restoreStock(db: Queryable, order: Pick<OrderRecord, "itemId" | "quantity">): Promise<void> {
  await db.query("UPDATE store_items SET stock = stock + $2, updated_at = now() WHERE id = $1 AND stock IS NOT NULL", [order.itemId, order.quantity]);
}

/** How many of the buyer's orders wait for a card payment. */
export async function countAwaitingPaymentOrders(db: Queryable, buyerId: string): Promise<number> {
  const open = await db.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM store_orders WHERE buyer_id = $1 AND status = 'AWAITING_PAYMENT'",
    [buyerId],
  );
  return open.rows[0]?.count ?? 0;
}

export interface NewOrder {
  id: string;
  itemId: string;
  buyerId: string;
  sellerId: string | null;
  quantity: number;
  unitPrice: bigint;
  total: bigint;
  walletPart: bigint;
  walletTypeId: string;
  cardPart: bigint;
  cardAmountMinor: bigint;
  currency: string | null;
  status: StoreOrderStatus;
  idempotencyKey: string;
  shippingAddress: ShippingAddress | null;
  holdTransactionId: bigint | null;
  saleTransactionId: bigint | null;
}

export async function insertOrder(db: Queryable, order: NewOrder): Promise<void> {
  await db.query(
    `INSERT INTO store_orders (id, item_id, buyer_id, seller_id, quantity, unit_price, total, wallet_part, card_part,
                                 card_amount_minor, currency, status, idempotency_key, shipping_address,
                                 hold_transaction_id, sale_transaction_id, wallet_type_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::"StoreOrderStatus", $13, $14::jsonb, $15, $16, $17, now())`,
    [
      order.id,
      order.itemId,
      order.buyerId,
      order.sellerId,
      order.quantity,
      order.unitPrice.toString(),
      order.total.toString(),
      order.walletPart.toString(),
      order.cardPart.toString(),
      order.cardAmountMinor.toString(),
      order.currency,
      order.status,
      order.idempotencyKey,
      order.shippingAddress ? JSON.stringify(order.shippingAddress) : null,
      order.holdTransactionId?.toString() ?? null,
      order.saleTransactionId?.toString() ?? null,
      order.walletTypeId,
    ],
  );
}

/** Stores the order's Checkout Session unless one is stored already (a concurrent resume got there first). */
export async function setCheckoutSessionIfUnset(db: Queryable, orderId: string, sessionId: string): Promise<void> {
  await db.query("UPDATE store_orders SET stripe_checkout_session_id = $2, updated_at = now() WHERE id = $1 AND stripe_checkout_session_id IS NULL", [
    orderId,
    sessionId,
  ]);
}

/** Stores the Checkout Session a webhook vouches for. */
export async function setCheckoutSession(db: Queryable, orderId: string, sessionId: string): Promise<void> {
  await db.query("UPDATE store_orders SET stripe_checkout_session_id = $2, updated_at = now() WHERE id = $1", [orderId, sessionId]);
}

export async function setPaymentIntent(db: Queryable, orderId: string, paymentIntentId: string): Promise<void> {
  await db.query("UPDATE store_orders SET stripe_payment_intent_id = $2, updated_at = now() WHERE id = $1", [orderId, paymentIntentId]);
}

export async function setCardRefundedMinor(db: Queryable, orderId: string, refundedMinor: bigint): Promise<void> {
  await db.query("UPDATE store_orders SET card_refunded_minor = $2, updated_at = now() WHERE id = $1", [orderId, refundedMinor.toString()]);
}

/** The oldest orders still waiting for a card payment past the checkout window. */
export async function overdueOrderIds(db: Queryable, windowSeconds: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM store_orders
      WHERE status = 'AWAITING_PAYMENT' AND created_at < now() - make_interval(secs => $1)
      ORDER BY created_at LIMIT $2`,
    [windowSeconds, limit],
  );
  return rows.map((row) => row.id);
}

export interface OrderFactsRow {
  id: string;
  status: string;
  kind: "PHYSICAL" | "DIGITAL";
  title: string;
  quantity: number;
  total: string;
  wallet_part: string;
  wallet_type_id: string;
  wallet_name: string;
  card_part: string;
  card_amount_minor: string;
  currency: string | null;
  shipping_address: ShippingAddress | null;
  tracking_note: string | null;
  buyer_id: string;
  buyer_email: string;
  buyer_name: string;
  seller_id: string | null;
  seller_name: string | null;
  seller_emails: string[];
}

/** An order with its buyer's and seller's names and addresses, for the messages about it. */
export async function selectOrderFacts(db: Queryable, orderId: string): Promise<OrderFactsRow | undefined> {
  const { rows } = await db.query<OrderFactsRow>(
    `SELECT o.id, o.status, i.kind, i.title, o.quantity, o.total, o.wallet_part, o.wallet_type_id, w.name AS wallet_name, o.card_part,
            o.card_amount_minor, o.currency,
            o.shipping_address, o.tracking_note, b.id AS buyer_id, b.email AS buyer_email, b.display_name AS buyer_name,
            o.seller_id, coalesce(sp.stage_name, s.display_name) AS seller_name,
            CASE WHEN o.seller_id IS NULL
                 THEN ARRAY(SELECT a.email FROM users a WHERE a.role = 'ADMIN' AND a.status = 'ACTIVE' ORDER BY a.created_at)
                 ELSE ARRAY[s.email] END AS seller_emails
       FROM store_orders o
       JOIN store_items i ON i.id = o.item_id
       JOIN users b ON b.id = o.buyer_id
       JOIN wallet_types w ON w.id = o.wallet_type_id
       LEFT JOIN users s ON s.id = o.seller_id
       LEFT JOIN performer_profiles sp ON sp.user_id = o.seller_id
      WHERE o.id = $1`,
    [orderId],
  );
  return rows[0];
}
