import "server-only";
import type { Queryable } from "@/server/db/transaction";
import type { SaleReversal } from "@/server/domain/disputes";
import { CREDITS } from "@/server/domain/ledger";
import type { PurchaseStatus, SaleKind } from "@/server/generated/prisma/enums";

/**
 * The hand-written SQL of purchases, each statement a named function with a typed row. They stay SQL because one
 * statement matters: they run inside the webhook's transaction that locks a purchase and posts its credits,
 * refunds and disputes to the ledger (which Prisma can't join), lock sales and earnings lots against refunds and
 * maturation, or find a payment's owner across two tables at once. Covered through the use cases by
 * credit-purchases.int.test.ts and disputes.int.test.ts.
 */

// ---------------------------------------------------------------------------------------------------------------
// Webhooks

/** Marks a payment or payout event seen; true the first time (the caller's transaction makes that atomic with its effects). */
export async function insertStripeEvent(db: Queryable, id: string, type: string): Promise<boolean> {
  const inserted = await db.query("INSERT INTO stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id", [id, type]);
  return Boolean(inserted.rowCount);
}

export interface PaymentOwnerRow {
  kind: "credit_purchase" | "store_order";
  id: string;
}

/** The credit purchase or store order that stored this payment, if either did. */
export async function selectPaymentOwner(db: Queryable, paymentIntentId: string): Promise<PaymentOwnerRow | undefined> {
  const { rows } = await db.query<PaymentOwnerRow>(
    `SELECT 'credit_purchase' AS kind, id FROM credit_purchases WHERE stripe_payment_intent_id = $1
     UNION ALL SELECT 'store_order', id FROM store_orders WHERE stripe_payment_intent_id = $1`,
    [paymentIntentId],
  );
  return rows[0];
}

export interface PurchaseRow {
  id: string;
  user_id: string;
  status: PurchaseStatus;
  credits: string;
  price_minor: string;
  currency: string;
  refunded_minor: string;
  stripe_checkout_session_id: string | null;
}

/** The purchase, locked for the rest of the webhook's transaction. */
export async function selectPurchaseForUpdate(db: Queryable, id: string): Promise<PurchaseRow | undefined> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT id, user_id, status, credits, price_minor, currency, refunded_minor, stripe_checkout_session_id
         FROM credit_purchases WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0];
}

export async function setCheckoutSession(db: Queryable, purchaseId: string, checkoutSessionId: string): Promise<void> {
  await db.query("UPDATE credit_purchases SET stripe_checkout_session_id = $2 WHERE id = $1", [purchaseId, checkoutSessionId]);
}

/** The crediting posting and the payment on the purchase; an unpaid status becomes PAID, a later one stays. */
export async function markCredited(db: Queryable, purchaseId: string, transactionId: bigint, paymentIntentId: string | null): Promise<void> {
  await db.query(
    `UPDATE credit_purchases
        SET credited_transaction_id = $2,
            stripe_payment_intent_id = coalesce(stripe_payment_intent_id, $3),
            status = CASE WHEN status IN ('PENDING', 'FAILED', 'EXPIRED') THEN 'PAID'::"PurchaseStatus" ELSE status END,
            updated_at = now()
      WHERE id = $1`,
    [purchaseId, transactionId.toString(), paymentIntentId],
  );
}

export async function setRefunded(db: Queryable, purchaseId: string, refundedMinor: bigint, status: PurchaseStatus): Promise<void> {
  await db.query(`UPDATE credit_purchases SET refunded_minor = $2, status = $3::"PurchaseStatus", updated_at = now() WHERE id = $1`, [
    purchaseId,
    refundedMinor.toString(),
    status,
  ]);
}

export async function setPurchaseStatus(db: Queryable, purchaseId: string, status: PurchaseStatus): Promise<void> {
  await db.query(`UPDATE credit_purchases SET status = $2::"PurchaseStatus", updated_at = now() WHERE id = $1`, [purchaseId, status]);
}

// ---------------------------------------------------------------------------------------------------------------
// History and card sales (each currency on its own row: amounts in different currencies are never summed)

export interface CardPaymentGroupRow {
  currency: string;
  status: PurchaseStatus;
  count: number;
  price_minor: string;
  refunded_minor: string;
}

/** Purchases summed per currency and status: one member's, or everyone's when userId is null. */
export async function cardPaymentGroupRows(db: Queryable, userId: string | null): Promise<CardPaymentGroupRow[]> {
  const { rows } = await db.query<CardPaymentGroupRow>(
    `SELECT currency, status, count(*)::int AS count, sum(price_minor) AS price_minor, sum(refunded_minor) AS refunded_minor
       FROM credit_purchases
      WHERE $1::uuid IS NULL OR user_id = $1::uuid
      GROUP BY currency, status`,
    [userId],
  );
  return rows;
}

export interface PurchaseHistoryRow {
  id: string;
  package_name: string;
  credits: string;
  price_minor: string;
  currency: string;
  refunded_minor: string;
  status: PurchaseStatus;
  created_at: Date;
}

/** A member's latest purchases, newest first. */
export async function purchaseHistoryRows(db: Queryable, userId: string, limit: number): Promise<PurchaseHistoryRow[]> {
  const { rows } = await db.query<PurchaseHistoryRow>(
    `SELECT p.id, k.name AS package_name, p.credits, p.price_minor, p.currency, p.refunded_minor, p.status, p.created_at
       FROM credit_purchases p JOIN credit_packages k ON k.id = p.package_id
      WHERE p.user_id = $1
      ORDER BY p.created_at DESC, p.id
      LIMIT $2`,
    [userId, limit],
  );
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Disputes

/** The id of the posting made under this key, if any. */
export async function postedWithKey(db: Queryable, key: string): Promise<bigint | null> {
  const { rows } = await db.query<{ id: string }>("SELECT id FROM ledger_transactions WHERE idempotency_key = $1", [key]);
  return rows[0] ? BigInt(rows[0].id) : null;
}

export interface SaleRow {
  id: string;
  sale_kind: SaleKind;
  performer_id: string | null;
  amount: string;
  performer_share: string;
  from_wallet: string;
  taken_before: string;
  lot_id: string | null;
}

/**
 * The buyer's sales after the given posting that no refund has undone, each with what it took from the buyer's
 * wallet, what earlier disputes took of it, and its earnings lot.
 */
export async function selectSalesSince(db: Queryable, buyerId: string, sinceTransactionId: bigint): Promise<SaleRow[]> {
  const { rows } = await db.query<SaleRow>(
    `SELECT t.id, t.metadata->>'saleKind' AS sale_kind, t.metadata->>'performerId' AS performer_id,
            t.metadata->>'amount' AS amount, t.metadata->>'performerShare' AS performer_share,
            -sum(e.amount) AS from_wallet,
            (SELECT coalesce(sum(r.taken), 0) FROM dispute_sale_reversals r WHERE r.sale_transaction_id = t.id AND r.restored_at IS NULL) AS taken_before,
            (SELECT l.id FROM earnings_lots l WHERE l.transaction_id = t.id) AS lot_id
       FROM ledger_accounts a
       JOIN ledger_entries e ON e.account_id = a.id AND e.amount < 0 AND e.transaction_id > $2
       JOIN ledger_transactions t ON t.id = e.transaction_id
      WHERE a.owner_id = $1 AND (a.wallet_type_id IS NOT NULL OR a.type = 'HELD') AND a.currency = $3 AND t.metadata ? 'saleKind'
        AND NOT EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.reverses_id = t.id AND r.kind = 'SALE_REFUND')
      GROUP BY t.id
      ORDER BY t.id`,
    [buyerId, sinceTransactionId.toString(), CREDITS],
  );
  return rows;
}

/** The per-sale lock refundSale takes too, in id order, until the transaction ends. */
export async function lockSalesAgainstRefunds(db: Queryable, saleIds: readonly string[]): Promise<void> {
  await db.query(
    "SELECT pg_advisory_xact_lock(hashtextextended('sale-refund:' || id, 0)) FROM unnest($1::bigint[]) AS id ORDER BY id",
    [saleIds],
  );
}

export interface LotRow {
  id: string;
  remaining: string;
  matured_at: Date | null;
}

/** The lots, locked so maturation and refunds wait for this dispute. */
export async function selectLotsForUpdate(db: Queryable, lotIds: readonly string[]): Promise<LotRow[]> {
  const { rows } = await db.query<LotRow>("SELECT id, remaining, matured_at FROM earnings_lots WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", [
    lotIds,
  ]);
  return rows;
}

export async function takeFromLot(db: Queryable, lotId: bigint, amount: bigint): Promise<void> {
  await db.query("UPDATE earnings_lots SET remaining = remaining - $2 WHERE id = $1", [lotId.toString(), amount.toString()]);
}

export async function giveBackToLot(db: Queryable, lotId: string, amount: bigint): Promise<void> {
  await db.query("UPDATE earnings_lots SET remaining = remaining + $2 WHERE id = $1", [lotId, amount.toString()]);
}

export async function insertSaleReversal(db: Queryable, disputeId: string, purchaseId: string, part: SaleReversal): Promise<void> {
  await db.query(
    `INSERT INTO dispute_sale_reversals (dispute_id, purchase_id, sale_transaction_id, performer_id, lot_id, taken, from_pending,
                                           platform_commission, platform_matured)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      disputeId,
      purchaseId,
      part.saleId.toString(),
      part.performerId,
      part.lotId?.toString() ?? null,
      part.taken.toString(),
      part.fromPending.toString(),
      part.platformCommission.toString(),
      part.platformMatured.toString(),
    ],
  );
}

export interface PostedEntryRow {
  code: string;
  type: string;
  amount: string;
}

/** A posting's entries with their accounts' codes and types. */
export async function selectPostingEntries(db: Queryable, transactionId: bigint): Promise<PostedEntryRow[]> {
  const { rows } = await db.query<PostedEntryRow>(
    `SELECT a.code, a.type, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1`,
    [transactionId.toString()],
  );
  return rows;
}

export async function selectPostingMetadata(db: Queryable, transactionId: bigint): Promise<Record<string, unknown> | undefined> {
  const hold = await db.query<{ metadata: Record<string, unknown> }>("SELECT metadata FROM ledger_transactions WHERE id = $1", [transactionId.toString()]);
  return hold.rows[0]?.metadata;
}

export interface OpenReversalRow {
  id: string;
  performer_id: string | null;
  lot_id: string | null;
  from_pending: string;
}

/** The sale parts a dispute took that are not restored yet, in the order they were taken. */
export async function selectOpenReversals(db: Queryable, disputeId: string, purchaseId: string): Promise<OpenReversalRow[]> {
  const { rows } = await db.query<OpenReversalRow>(
    "SELECT id, performer_id, lot_id, from_pending FROM dispute_sale_reversals WHERE dispute_id = $1 AND purchase_id = $2 AND restored_at IS NULL ORDER BY id",
    [disputeId, purchaseId],
  );
  return rows;
}

export async function markReversalsRestored(db: Queryable, disputeId: string, purchaseId: string): Promise<void> {
  await db.query("UPDATE dispute_sale_reversals SET restored_at = now() WHERE dispute_id = $1 AND purchase_id = $2 AND restored_at IS NULL", [
    disputeId,
    purchaseId,
  ]);
}

export interface PerformerContactRow {
  id: string;
  email: string;
  display_name: string;
}

export async function selectPerformerContacts(db: Queryable, ids: readonly string[]): Promise<PerformerContactRow[]> {
  const { rows } = await db.query<PerformerContactRow>("SELECT id, email, display_name FROM users WHERE id = ANY($1::uuid[])", [ids]);
  return rows;
}
