import "server-only";
import type { PoolClient } from "pg";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type Leg, clawbackLegs, creditsForPaymentShare, purchaseLegs, refundClawback, systemAccount, userAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import type { ShippingAddress } from "@/server/domain/store";
import { type OrderActor, assertTransition, canDownload, nextStatuses, orderActorsFor, statusAfterPayment } from "@/server/domain/store-orders";
import type { Role, StoreItemKind, StoreOrderStatus } from "@/server/generated/prisma/enums";
import { post, reverse } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import { postSale, refundSale } from "../sales/sales";
import { type OrderChange, announceOrderChange } from "./notifications";

/**
 * Store orders as records: reading them for the buyer, the seller and admins, and the database side of every
 * change (one transaction each, the order row locked first). Buying and the card side live in store-checkout.ts.
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

async function setStatus(db: Queryable, orderId: string, status: StoreOrderStatus, changes: { saleTransactionId?: bigint; refundTransactionId?: bigint; paymentIntentId?: string | null; trackingNote?: string | null } = {}): Promise<void> {
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
  // A payment reaching a cancelled order is refunded by the webhook (store-checkout.ts, refundLatePayment).
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
  await db.query("UPDATE store_orders SET card_refunded_minor = $2, updated_at = now() WHERE id = $1", [order.id, refundedNow.toString()]);
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

export const changeOrderStatusSchema = z.object({
  orderId: z.uuid(),
  status: z.enum(["SHIPPED", "DELIVERED"]),
  note: z.string().trim().max(500, "A note is at most 500 characters.").optional(),
});
export type ChangeOrderStatusInput = z.input<typeof changeOrderStatusSchema>;

interface Viewer {
  id: string;
  role: Role;
}

/** The seller (or an admin, for a site item) ships or delivers a physical order; the buyer is told by email. */
export async function changeOrderStatus(viewer: Viewer, input: ChangeOrderStatusInput): Promise<OrderView> {
  const { orderId, status, note } = changeOrderStatusSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const order = await lockOrder(db, orderId);
    const actors = order ? orderActorsFor(viewer, order) : [];
    if (!order || actors.length === 0) throw new DomainError("NOT_FOUND", "That order does not exist.");
    assertTransition(order.status, status, order.kind, actors);
    await setStatus(db, order.id, status, { trackingNote: status === "SHIPPED" ? note || null : null });
    await recordOrderEvent(db, order.id, status, viewer.id, note || null);
    await announceOrderChange(db, { orderId: order.id, event: status === "SHIPPED" ? "shipped" : "delivered" });
  });
  return orderFor(viewer, orderId);
}

export interface OrderParty {
  id: string;
  username: string;
  name: string;
}

export interface OrderSummary {
  id: string;
  itemId: string;
  kind: StoreItemKind;
  title: string;
  status: StoreOrderStatus;
  quantity: number;
  unitPrice: bigint;
  total: bigint;
  walletPart: bigint;
  cardPart: bigint;
  cardAmountMinor: bigint;
  currency: string | null;
  buyer: OrderParty;
  /** Null: sold by the site itself. */
  seller: OrderParty | null;
  shippingAddress: ShippingAddress | null;
  trackingNote: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Statuses the viewer may move this order to (the card payment's own moves are not theirs). */
  nextStatuses: StoreOrderStatus[];
  canCancel: boolean;
  /** The viewer bought a digital item whose file they may download now. */
  canDownload: boolean;
}

export interface OrderEventView {
  status: StoreOrderStatus;
  note: string | null;
  by: string | null;
  at: Date;
}

export interface OrderView extends OrderSummary {
  events: OrderEventView[];
  /** The buyer may still pay the card part in Stripe Checkout. */
  awaitingCard: boolean;
}

interface SummaryRow extends OrderRow {
  buyer_username: string;
  buyer_name: string;
  seller_username: string | null;
  seller_name: string | null;
}

const SUMMARY_SELECT = `
  SELECT ${ORDER_COLUMNS}, b.username AS buyer_username, b.display_name AS buyer_name,
         s.username AS seller_username, coalesce(sp.stage_name, s.display_name) AS seller_name
    FROM store_orders o
    JOIN store_items i ON i.id = o.item_id
    JOIN users b ON b.id = o.buyer_id
    LEFT JOIN users s ON s.id = o.seller_id
    LEFT JOIN performer_profiles sp ON sp.user_id = o.seller_id`;

function summaryOf(row: SummaryRow, viewer: Viewer): OrderSummary {
  const order = recordOf(row);
  const actors = orderActorsFor(viewer, order);
  const viewerActors = actors.filter((actor) => actor !== "PAYMENT");
  return {
    id: order.id,
    itemId: order.itemId,
    kind: order.kind,
    title: order.title,
    status: order.status,
    quantity: order.quantity,
    unitPrice: order.unitPrice,
    total: order.total,
    walletPart: order.walletPart,
    cardPart: order.cardPart,
    cardAmountMinor: order.cardAmountMinor,
    currency: order.currency,
    buyer: { id: order.buyerId, username: row.buyer_username, name: row.buyer_name },
    seller: order.sellerId ? { id: order.sellerId, username: row.seller_username ?? "", name: row.seller_name ?? "" } : null,
    shippingAddress: order.shippingAddress,
    trackingNote: order.trackingNote,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    nextStatuses: nextStatuses(order.status, order.kind, viewerActors).filter((status) => status !== "CANCELLED"),
    canCancel: nextStatuses(order.status, order.kind, viewerActors).includes("CANCELLED"),
    canDownload: actors.includes("BUYER") && order.kind === "DIGITAL" && order.hasFile && canDownload(order.status),
  };
}

const LIST_LIMIT = 100;

export async function ordersOfBuyer(buyer: Viewer): Promise<OrderSummary[]> {
  const { rows } = await pool.query<SummaryRow>(`${SUMMARY_SELECT} WHERE o.buyer_id = $1 ORDER BY o.created_at DESC LIMIT ${LIST_LIMIT}`, [buyer.id]);
  return rows.map((row) => summaryOf(row, buyer));
}

/** A performer's orders; never another seller's. */
export async function ordersOfSeller(seller: Viewer): Promise<OrderSummary[]> {
  const { rows } = await pool.query<SummaryRow>(`${SUMMARY_SELECT} WHERE o.seller_id = $1 ORDER BY o.created_at DESC LIMIT ${LIST_LIMIT}`, [seller.id]);
  return rows.map((row) => summaryOf(row, seller));
}

export const adminOrderFilterSchema = z.object({
  status: z.enum(["AWAITING_PAYMENT", "PAID", "SHIPPED", "DELIVERED", "REFUNDED", "CANCELLED"]).optional(),
  /** Site items, performers' items, or both. */
  seller: z.enum(["site", "performers"]).optional(),
  kind: z.enum(["PHYSICAL", "DIGITAL"]).optional(),
  /** Part of a buyer's or seller's username, an item title, or an order id. */
  search: z.string().trim().max(100).optional(),
});
export type AdminOrderFilter = z.input<typeof adminOrderFilterSchema>;

export async function ordersForAdmin(admin: Viewer, filter: AdminOrderFilter): Promise<OrderSummary[]> {
  if (admin.role !== "ADMIN") throw new DomainError("FORBIDDEN", "Only administrators can do that.");
  const { status, seller, kind, search } = adminOrderFilterSchema.parse(filter);
  const pattern = search ? `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%` : null;
  const { rows } = await pool.query<SummaryRow>(
    `${SUMMARY_SELECT}
      WHERE ($1::"StoreOrderStatus" IS NULL OR o.status = $1::"StoreOrderStatus")
        AND ($2::text IS NULL OR ($2 = 'site') = (o.seller_id IS NULL))
        AND ($3::"StoreItemKind" IS NULL OR i.kind = $3::"StoreItemKind")
        AND ($4::text IS NULL OR b.username ILIKE $4 OR s.username ILIKE $4 OR i.title ILIKE $4 OR o.id::text ILIKE $4)
      ORDER BY o.created_at DESC LIMIT ${LIST_LIMIT}`,
    [status ?? null, seller ?? null, kind ?? null, pattern],
  );
  return rows.map((row) => summaryOf(row, admin));
}

/** One order for its buyer, its seller or an admin, with its history; anyone else is told it does not exist. */
export async function orderFor(viewer: Viewer, orderId: string): Promise<OrderView> {
  const { rows } = await pool.query<SummaryRow>(`${SUMMARY_SELECT} WHERE o.id = $1`, [orderId]);
  const row = rows[0];
  if (!row || orderActorsFor(viewer, { buyerId: row.buyer_id, sellerId: row.seller_id }).length === 0) {
    throw new DomainError("NOT_FOUND", "That order does not exist.");
  }
  const summary = summaryOf(row, viewer);
  const events = await pool.query<{ status: StoreOrderStatus; note: string | null; by: string | null; created_at: Date }>(
    `SELECT e.status, e.note, u.display_name AS by, e.created_at
       FROM store_order_events e LEFT JOIN users u ON u.id = e.actor_id
      WHERE e.order_id = $1 ORDER BY e.id`,
    [orderId],
  );
  return {
    ...summary,
    events: events.rows.map((event) => ({ status: event.status, note: event.note, by: event.by, at: event.created_at })),
    awaitingCard: summary.status === "AWAITING_PAYMENT" && summary.buyer.id === viewer.id,
  };
}

/** What the download route streams: the buyer's digital item while the order is paid and not refunded. */
export async function downloadableFile(viewer: Viewer, orderId: string): Promise<{ storageKey: string; fileName: string; mimeType: string }> {
  const { rows } = await pool.query<{
    buyer_id: string;
    seller_id: string | null;
    status: StoreOrderStatus;
    kind: StoreItemKind;
    storage_key: string | null;
    file_name: string | null;
    mime_type: string | null;
  }>(
    `SELECT o.buyer_id, o.seller_id, o.status, i.kind, i.storage_key, i.file_name, i.mime_type
       FROM store_orders o JOIN store_items i ON i.id = o.item_id WHERE o.id = $1`,
    [orderId],
  );
  const order = rows[0];
  // Someone who can't see the order is told what they'd be told of a missing one, as store.order tells them.
  if (!order || orderActorsFor(viewer, { buyerId: order.buyer_id, sellerId: order.seller_id }).length === 0) {
    throw new DomainError("NOT_FOUND", "That order does not exist.");
  }
  if (order.buyer_id !== viewer.id) throw new DomainError("FORBIDDEN", "Only the buyer can download this item.");
  if (order.kind !== "DIGITAL" || !order.storage_key || !canDownload(order.status)) {
    throw new DomainError("FORBIDDEN", "This order has no file to download.");
  }
  return { storageKey: order.storage_key, fileName: order.file_name ?? "download", mimeType: order.mime_type ?? "application/octet-stream" };
}
