import "server-only";
/**
 * A performer's business revenue (issue 14, point 7): each sale with its gross, platform fee, processor fee and
 * net, totals by UTC day and month, and the CSV export; and the job that reads card payments' processor fees.
 * Job code imports this module: nothing here may pull in next/*.
 */
import { z } from "zod";
import { pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { userChannel } from "@/server/domain/realtime-events";
import {
  type MoneyTotals,
  type ProcessorFeeState,
  REVENUE_PERIODS,
  type RevenueBucket,
  type RevenueSale,
  type RevenueTotals,
  addMoney,
  revenueCsv,
  revenuePeriodRange,
  totalBuckets,
} from "@/server/domain/revenue";
import { SaleKind } from "@/server/generated/prisma/enums";
import { type GatewayName, PaymentGatewayError, payments } from "@/server/integrations/payments";
import { enqueue } from "@/server/outbox/messages";
import { realtimeEvent } from "@/server/outbox/realtime";
import { databaseNow } from "../earnings/queries";
import {
  type RevenueFilter,
  type RevenueGranularity,
  type RevenueSaleRow,
  insertProcessorFee,
  selectProcessorFeeBuckets,
  selectRevenueBuckets,
  selectRevenueSales,
  selectUnreadCardPayments,
} from "./queries";

export const revenueFilterSchema = z.object({
  performerId: z.uuid().optional(),
  period: z.enum(REVENUE_PERIODS).default("30d"),
  saleKind: z.enum(SaleKind).optional(),
});
export type RevenueFilterInput = z.infer<typeof revenueFilterSchema>;

export const revenueSalesSchema = revenueFilterSchema.extend({
  /** The first entry id of the last sale of the previous page. */
  cursor: z.bigint().positive().nullish(),
  limit: z.number().int().min(1).max(100).default(25),
});

async function filterFor(performerId: string, input: RevenueFilterInput): Promise<RevenueFilter> {
  const range = revenuePeriodRange(input.period, await databaseNow(pool));
  return { performerId, from: range.from, to: range.to, saleKind: input.saleKind ?? null };
}

function processorFeeOf(row: RevenueSaleRow): ProcessorFeeState {
  if (!row.card_payment_id) return { state: "none" };
  if (row.fee_minor === null || row.fee_currency === null) return { state: "pending", paymentId: row.card_payment_id };
  return { state: "read", paymentId: row.card_payment_id, feeMinor: BigInt(row.fee_minor), currency: row.fee_currency };
}

function saleOf(row: RevenueSaleRow): RevenueSale & { cursor: bigint } {
  return {
    cursor: BigInt(row.first_entry_id),
    key: row.sale_key,
    at: row.at,
    kind: row.kind,
    saleKind: row.sale_kind,
    description: row.description,
    buyer: row.buyer_count > 1 ? `${row.buyer_count} members` : (row.buyer_name ?? "A former member"),
    charges: row.charges,
    gross: BigInt(row.gross),
    platformFee: BigInt(row.platform_fee),
    net: BigInt(row.net),
    refunded: BigInt(row.refunded),
    refundedGross: BigInt(row.refunded_gross),
    disputed: BigInt(row.disputed),
    disputedGross: BigInt(row.disputed_gross),
    processorFee: processorFeeOf(row),
  };
}

export interface RevenueSalesPage {
  sales: (RevenueSale & { cursor: bigint })[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: bigint | null;
}

/** A page of the performer's sales in the period, newest first. */
export async function revenueSales(performerId: string, input: z.infer<typeof revenueSalesSchema>): Promise<RevenueSalesPage> {
  const filter = await filterFor(performerId, input);
  const rows = await selectRevenueSales(pool, filter, input.cursor ?? null, input.limit + 1);
  const sales = rows.slice(0, input.limit).map(saleOf);
  return { sales, nextCursor: rows.length > input.limit ? (sales.at(-1)?.cursor ?? null) : null };
}

async function buckets(filter: RevenueFilter, granularity: RevenueGranularity | null): Promise<RevenueBucket[]> {
  const [rows, fees] = await Promise.all([selectRevenueBuckets(pool, filter, granularity), selectProcessorFeeBuckets(pool, filter, granularity)]);
  const byStart = new Map<number, RevenueBucket>();
  const startOf = (bucket: Date | null) => bucket ?? filter.from ?? new Date(0);
  for (const row of rows) {
    const start = startOf(row.bucket);
    byStart.set(start.getTime(), {
      start,
      sales: row.sales,
      gross: BigInt(row.gross),
      platformFee: BigInt(row.platform_fee),
      net: BigInt(row.net),
      takenBack: BigInt(row.taken_back),
      processorFees: {},
    });
  }
  for (const fee of fees) {
    const start = startOf(fee.bucket);
    const bucket = byStart.get(start.getTime()) ?? { start, sales: 0, gross: 0n, platformFee: 0n, net: 0n, takenBack: 0n, processorFees: {} as MoneyTotals };
    byStart.set(start.getTime(), { ...bucket, processorFees: addMoney(bucket.processorFees, fee.currency, BigInt(fee.fee_minor)) });
  }
  return [...byStart.values()].sort((a, b) => b.start.getTime() - a.start.getTime());
}

export interface RevenueSummary {
  from: Date | null;
  to: Date;
  totals: RevenueTotals;
  /** Days and months with something in them, newest first (UTC). */
  days: RevenueBucket[];
  months: RevenueBucket[];
}

/** The period's totals, by UTC day and by UTC month, each posting on the day it was made. */
export async function revenueSummary(performerId: string, input: RevenueFilterInput): Promise<RevenueSummary> {
  const filter = await filterFor(performerId, input);
  const [whole, days, months] = await Promise.all([buckets(filter, null), buckets(filter, "day"), buckets(filter, "month")]);
  return { from: filter.from, to: filter.to, totals: totalBuckets(whole), days, months };
}

/**
 * Every sale of the period as CSV (server/domain/revenue.ts, revenueCsv), in one statement: paging would aggregate
 * the performer's entries again for each page.
 */
export async function exportRevenue(performerId: string, input: RevenueFilterInput, kindLabel: (kind: SaleKind) => string): Promise<string> {
  const filter = await filterFor(performerId, input);
  const rows = await selectRevenueSales(pool, filter, null, null);
  return revenueCsv(rows.map(saleOf), kindLabel);
}

const GATEWAYS: readonly GatewayName[] = ["stripe"];
/** A payment the processor has not settled two weeks after its posting (a capture that never came) is left alone. */
const FEE_LOOKBACK_DAYS = 14;

export interface ProcessorFeeRun {
  read: number;
  /** Payments with no balance transaction yet (not captured); asked again on the next run. */
  notYet: number;
  failed: { paymentId: string; reason: string }[];
}

/**
 * Reads the processor fee of each card payment a posting names (metadata.cardPaymentId) and records it once in
 * processor_fees with the performer and the posting, and tells the performer's open revenue page through the outbox
 * (revenue.updated). Idempotent: a payment with a row is never asked again, and
 * two runs reading the same payment record it once. One payment the processor cannot answer for is logged and
 * left for the next run, never holding up the rest.
 */
export async function readProcessorFees(options: { limit?: number } = {}): Promise<ProcessorFeeRun> {
  const unread = await selectUnreadCardPayments(pool, options.limit ?? 200, FEE_LOOKBACK_DAYS);
  const run: ProcessorFeeRun = { read: 0, notYet: 0, failed: [] };
  for (const payment of unread) {
    const gateway = GATEWAYS.find((name) => name === payment.gateway);
    if (!gateway) {
      run.failed.push({ paymentId: payment.payment_id, reason: `No gateway is named ${payment.gateway}.` });
      continue;
    }
    try {
      const fee = await payments(gateway).processorFee(payment.payment_id);
      if (!fee) {
        run.notYet += 1;
        continue;
      }
      const record = {
        gateway,
        paymentId: payment.payment_id,
        performerId: payment.performer_id,
        transactionId: BigInt(payment.transaction_id),
        paidAt: payment.created_at,
        feeMinor: fee.feeMinor,
        currency: fee.currency,
      };
      await withTransaction(pool, async (db) => {
        if (!(await insertProcessorFee(db, record)) || !record.performerId) return;
        await enqueue(db, [
          realtimeEvent(`processor-fee:${gateway}:${record.paymentId}`, userChannel(record.performerId), "revenue.updated", { paymentId: record.paymentId }),
        ]);
      });
      run.read += 1;
    } catch (error) {
      if (!(error instanceof PaymentGatewayError)) throw error;
      console.error(`[revenue] processor fee of ${payment.payment_id} not read: ${error.message}`);
      run.failed.push({ paymentId: payment.payment_id, reason: error.message });
    }
  }
  return run;
}

/** The performer an admin's revenue page is about, or null when the id is not a performer's. */
export async function revenuePerformer(performerId: string): Promise<{ id: string; displayName: string; username: string } | null> {
  return prisma.user.findFirst({ where: { id: performerId, role: "PERFORMER" }, select: { id: true, displayName: true, username: true } });
}
