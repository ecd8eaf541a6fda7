import "server-only";
/**
 * The business revenue report's SQL, each statement typed and covered by revenue.int.test.ts. Sales are read
 * from the same entries as the earnings dashboard (EARNING_ENTRIES_SQL: what sales and their refunds and disputes
 * did to the performer's accounts, a show's partial charges under one sale key), so both pages agree.
 */
import type { Queryable } from "@/server/db/transaction";
import type { SaleKind, TransactionKind } from "@/server/generated/prisma/enums";
import { EARNING_ENTRIES_SQL } from "../earnings/queries";

/**
 * One row per posting (its entries on the performer's accounts summed), and whether it is a sale: a posting with a
 * sale's split in its metadata, not a refund, reversal or dispute of one.
 */
const POSTINGS = `
  posting AS (
    SELECT transaction_id, kind, sale_key, sale_kind, buyer_id, description, metadata, reversed_metadata,
           min(entry_id) AS first_entry_id, min(created_at) AS at, sum(amount) AS net,
           (metadata ? 'performerShare' AND kind NOT IN ('SALE_REFUND', 'DISPUTE_HOLD', 'DISPUTE_RELEASE', 'REVERSAL')) AS is_sale
      FROM entry
     GROUP BY transaction_id, kind, sale_key, sale_kind, buyer_id, description, metadata, reversed_metadata)`;

export interface RevenueFilter {
  performerId: string;
  /** Inclusive; null for all time. */
  from: Date | null;
  /** Exclusive. */
  to: Date;
  saleKind: SaleKind | null;
}

export interface RevenueSaleRow {
  sale_key: string;
  first_entry_id: string;
  at: Date;
  kind: TransactionKind;
  sale_kind: SaleKind;
  description: string;
  buyer_count: number;
  buyer_name: string | null;
  charges: number;
  gross: string;
  platform_fee: string;
  net: string;
  refunded: string;
  refunded_gross: string;
  disputed: string;
  disputed_gross: string;
  card_payment_id: string | null;
  fee_minor: string | null;
  fee_currency: string | null;
}

/**
 * The performer's sales made in the range, newest first, `limit` of them (null: all) before the sale whose first
 * entry is `before` (null: the newest). Each sale sums its postings: gross, platform fee and net from the sales' split;
 * refunds (a SALE_REFUND joins the sale it reverses) from the entries they took back and the sale amount they
 * repaid; disputes from dispute_sale_reversals still standing; the card payment's fee from processor_fees.
 * Postings before `from` are not read, so a show running across the start is listed from its charges after it.
 */
export async function selectRevenueSales(db: Queryable, filter: RevenueFilter, before: bigint | null, limit: number | null): Promise<RevenueSaleRow[]> {
  const { rows } = await db.query<RevenueSaleRow>(
    `WITH entry AS (${EARNING_ENTRIES_SQL} AND e.created_at >= coalesce($2::timestamptz, '-infinity')),
     ${POSTINGS},
     sale AS (
       SELECT p.sale_key,
              min(p.first_entry_id) FILTER (WHERE p.is_sale) AS first_entry_id,
              min(p.at) FILTER (WHERE p.is_sale) AS at,
              (array_agg(p.kind ORDER BY p.first_entry_id) FILTER (WHERE p.is_sale))[1] AS kind,
              (array_agg(p.sale_kind ORDER BY p.first_entry_id) FILTER (WHERE p.is_sale))[1] AS sale_kind,
              (array_agg(p.description ORDER BY p.first_entry_id) FILTER (WHERE p.is_sale))[1] AS description,
              array_agg(DISTINCT p.buyer_id) FILTER (WHERE p.is_sale AND p.buyer_id IS NOT NULL) AS buyer_ids,
              (count(*) FILTER (WHERE p.is_sale))::int AS charges,
              coalesce(sum((p.metadata->>'amount')::bigint) FILTER (WHERE p.is_sale), 0) AS gross,
              coalesce(sum((p.metadata->>'platformShare')::bigint) FILTER (WHERE p.is_sale), 0) AS platform_fee,
              coalesce(sum(p.net) FILTER (WHERE p.is_sale), 0) AS net,
              coalesce(-sum(p.net) FILTER (WHERE p.kind = 'SALE_REFUND'), 0) AS refunded,
              coalesce(sum((p.reversed_metadata->>'amount')::bigint) FILTER (WHERE p.kind = 'SALE_REFUND'), 0) AS refunded_gross,
              coalesce(sum(d.from_pending) FILTER (WHERE p.is_sale), 0) AS disputed,
              coalesce(sum(d.taken) FILTER (WHERE p.is_sale), 0) AS disputed_gross,
              min(p.metadata->>'cardPaymentId') FILTER (WHERE p.is_sale) AS card_payment_id,
              min(coalesce(p.metadata->>'gateway', 'stripe')) FILTER (WHERE p.is_sale AND p.metadata ? 'cardPaymentId') AS gateway
         FROM posting p
         LEFT JOIN LATERAL (
           SELECT sum(r.taken) AS taken, sum(r.from_pending) AS from_pending FROM dispute_sale_reversals r
            WHERE r.sale_transaction_id = p.transaction_id AND r.performer_id = $1 AND r.restored_at IS NULL
         ) d ON p.is_sale
        GROUP BY p.sale_key)
     SELECT s.sale_key, s.first_entry_id, s.at, s.kind, s.sale_kind, s.description, s.charges, s.gross, s.platform_fee,
            s.net, s.refunded, s.refunded_gross, s.disputed, s.disputed_gross, s.card_payment_id,
            coalesce(cardinality(s.buyer_ids), 0) AS buyer_count,
            (SELECT u.display_name FROM users u WHERE u.id = s.buyer_ids[1]) AS buyer_name,
            f.fee_minor, f.currency AS fee_currency
       FROM sale s
       LEFT JOIN processor_fees f ON f.gateway = s.gateway AND f.payment_id = s.card_payment_id
      WHERE s.first_entry_id IS NOT NULL AND s.at < $3 AND ($4::text IS NULL OR s.sale_kind = $4::text)
        AND ($5::bigint IS NULL OR s.first_entry_id < $5::bigint)
      ORDER BY s.first_entry_id DESC
      LIMIT $6::int`,
    [filter.performerId, filter.from, filter.to, filter.saleKind, before?.toString() ?? null, limit],
  );
  return rows;
}

export type RevenueGranularity = "day" | "month";

export interface RevenueBucketRow {
  /** Null when the whole range is one bucket. */
  bucket: Date | null;
  sales: number;
  gross: string;
  platform_fee: string;
  net: string;
  taken_back: string;
}

/**
 * Totals per UTC day or month of the range (null: one bucket for all of it), each posting counted on the day it was
 * made: sales (distinct sale keys with a sale posting in the bucket), their gross, platform fee and net, and the
 * performer's share that refunds and disputes took back in the bucket (less what won disputes gave back). Buckets
 * with nothing are absent.
 */
export async function selectRevenueBuckets(db: Queryable, filter: RevenueFilter, granularity: RevenueGranularity | null): Promise<RevenueBucketRow[]> {
  const { rows } = await db.query<RevenueBucketRow>(
    `WITH entry AS (${EARNING_ENTRIES_SQL} AND e.created_at >= coalesce($2::timestamptz, '-infinity') AND e.created_at < $3),
     ${POSTINGS}
     SELECT date_trunc($5::text, p.at, 'UTC') AS bucket,
            (count(DISTINCT p.sale_key) FILTER (WHERE p.is_sale))::int AS sales,
            coalesce(sum((p.metadata->>'amount')::bigint) FILTER (WHERE p.is_sale), 0) AS gross,
            coalesce(sum((p.metadata->>'platformShare')::bigint) FILTER (WHERE p.is_sale), 0) AS platform_fee,
            coalesce(sum(p.net) FILTER (WHERE p.is_sale), 0) AS net,
            coalesce(-sum(p.net) FILTER (WHERE NOT p.is_sale), 0) AS taken_back
       FROM posting p
      WHERE $4::text IS NULL OR p.sale_kind = $4::text
      GROUP BY 1
      ORDER BY 1 DESC NULLS FIRST`,
    [filter.performerId, filter.from, filter.to, filter.saleKind, granularity],
  );
  return rows;
}

export interface ProcessorFeeBucketRow {
  bucket: Date | null;
  currency: string;
  fee_minor: string;
}

/**
 * Processor fees of the performer's card payments made in the range, per UTC day or month (null: one bucket) and
 * currency. With a kind, only the payments of sales of that kind; a card tab's capture pays for several sales and
 * has no kind of its own.
 */
export async function selectProcessorFeeBuckets(db: Queryable, filter: RevenueFilter, granularity: RevenueGranularity | null): Promise<ProcessorFeeBucketRow[]> {
  const { rows } = await db.query<ProcessorFeeBucketRow>(
    `SELECT date_trunc($5::text, f.paid_at, 'UTC') AS bucket, f.currency, sum(f.fee_minor) AS fee_minor
       FROM processor_fees f
       JOIN ledger_transactions t ON t.id = f.transaction_id
      WHERE f.performer_id = $1 AND f.paid_at >= coalesce($2::timestamptz, '-infinity') AND f.paid_at < $3
        AND ($4::text IS NULL OR t.metadata->>'saleKind' = $4::text)
      GROUP BY 1, 2`,
    [filter.performerId, filter.from, filter.to, filter.saleKind, granularity],
  );
  return rows;
}

export interface UnreadCardPaymentRow {
  transaction_id: string;
  created_at: Date;
  gateway: string;
  payment_id: string;
  performer_id: string | null;
}

/**
 * Card payments named by postings (metadata.cardPaymentId, contract 1 of issue 14) that have no fee row yet, the
 * oldest first, each with the first posting that named it. Postings older than `days` are left: a payment the
 * processor still has no balance transaction for after that never will.
 */
export async function selectUnreadCardPayments(db: Queryable, limit: number, days: number): Promise<UnreadCardPaymentRow[]> {
  const { rows } = await db.query<UnreadCardPaymentRow>(
    `SELECT DISTINCT ON (gateway, payment_id) transaction_id, created_at, gateway, payment_id, performer_id
       FROM (SELECT t.id AS transaction_id, t.created_at, coalesce(t.metadata->>'gateway', 'stripe') AS gateway,
                    t.metadata->>'cardPaymentId' AS payment_id, t.metadata->>'performerId' AS performer_id
               FROM ledger_transactions t
              WHERE t.metadata ? 'cardPaymentId' AND t.created_at > now() - make_interval(days => $2)) named
      WHERE NOT EXISTS (SELECT 1 FROM processor_fees f WHERE f.gateway = named.gateway AND f.payment_id = named.payment_id)
      ORDER BY gateway, payment_id, transaction_id
      LIMIT $1`,
    [limit, days],
  );
  return rows;
}

export interface ProcessorFeeRecord {
  gateway: string;
  paymentId: string;
  performerId: string | null;
  transactionId: bigint;
  paidAt: Date;
  feeMinor: bigint;
  currency: string;
}

/** Records a payment's fee once; a second read of the same payment changes nothing. */
export async function insertProcessorFee(db: Queryable, fee: ProcessorFeeRecord): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO processor_fees (gateway, payment_id, performer_id, transaction_id, paid_at, fee_minor, currency)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (gateway, payment_id) DO NOTHING`,
    [fee.gateway, fee.paymentId, fee.performerId, fee.transactionId.toString(), fee.paidAt, fee.feeMinor.toString(), fee.currency.toLowerCase()],
  );
  return rowCount === 1;
}
