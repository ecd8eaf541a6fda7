import type { SaleKind, TransactionKind } from "@/server/generated/prisma/enums";
import { csvDocument } from "./csv";
import { bucketStart } from "./earnings-report";
import { formatMinor } from "./money";

/**
 * A performer's business revenue: every sale with what the buyer paid (gross), the platform's fee, the
 * performer's net share, what refunds and disputes took back, and, for a card-paid sale, what the card processor
 * kept. Credits are the ledger's (the sale's metadata as posted); processor fees are money in the card payment's
 * currency, which the platform pays out of its fee, so they never change the performer's net.
 *
 * Totals by day and by month count each credit on the UTC day it moved, as the earnings dashboard does: a sale on
 * the day it was made, a refund on the day it was made. So a period's net after refunds here is the earnings
 * dashboard's net for the same days.
 */

export const REVENUE_PERIODS = ["30d", "this-month", "last-month", "12m", "all"] as const;
export type RevenuePeriod = (typeof REVENUE_PERIODS)[number];

export const REVENUE_PERIOD_LABELS: Record<RevenuePeriod, string> = {
  "30d": "Last 30 days",
  "this-month": "This month",
  "last-month": "Last month",
  "12m": "Last 12 months",
  all: "All time",
};

const DAY_MS = 86_400_000;

/** The UTC range of a period at `now`: from inclusive, to exclusive; `from` is null for all time. */
export function revenuePeriodRange(period: RevenuePeriod, now: Date): { from: Date | null; to: Date } {
  const today = bucketStart(now, "day");
  const tomorrow = new Date(today.getTime() + DAY_MS);
  const month = bucketStart(now, "month");
  switch (period) {
    case "30d":
      return { from: new Date(tomorrow.getTime() - 30 * DAY_MS), to: tomorrow };
    case "this-month":
      return { from: month, to: new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1)) };
    case "last-month":
      return { from: new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - 1, 1)), to: month };
    case "12m":
      return { from: new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - 11, 1)), to: tomorrow };
    case "all":
      return { from: null, to: tomorrow };
  }
}

/** Money in several currencies at once (a processor fee is in its payment's currency), by lower-case code. */
export type MoneyTotals = Record<string, bigint>;

export function addMoney(totals: MoneyTotals, currency: string, amount: bigint): MoneyTotals {
  const code = currency.toLowerCase();
  return { ...totals, [code]: (totals[code] ?? 0n) + amount };
}

export function sumMoney(all: readonly MoneyTotals[]): MoneyTotals {
  return all.reduce<MoneyTotals>((sum, totals) => Object.entries(totals).reduce((acc, [code, amount]) => addMoney(acc, code, amount), sum), {});
}

/** "$1.23", "$1.23 + €0.40", or an em dash when there is none. */
export function formatMoneyTotals(totals: MoneyTotals): string {
  const parts = Object.entries(totals)
    .filter(([, amount]) => amount !== 0n)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, amount]) => formatMinor(amount, code));
  return parts.length > 0 ? parts.join(" + ") : "—";
}

/** The processor's fee of a card-paid sale: not card-paid, paid but not read yet, or read. */
export type ProcessorFeeState =
  | { state: "none" }
  | { state: "pending"; paymentId: string }
  | { state: "read"; paymentId: string; feeMinor: bigint; currency: string };

/** One sale as the ledger has it: a show's partial charges are one sale (server/ledger/README.md, History lines). */
export interface RevenueSale {
  key: string;
  /** When its first posting was made. */
  at: Date;
  kind: TransactionKind;
  saleKind: SaleKind;
  description: string;
  /** The buyer's name, or "3 members" for a group show. */
  buyer: string;
  /** How many postings make the sale (a show's partial charges). */
  charges: number;
  /** What the buyers paid, the platform's fee, and the performer's share: gross = platformFee + net. */
  gross: bigint;
  platformFee: bigint;
  net: bigint;
  /** Taken back by refunds: what the buyers got back, and the performer's share of it. */
  refundedGross: bigint;
  refunded: bigint;
  /** Taken back by card disputes still open or lost: the part of the sale, and the performer's share of it. */
  disputedGross: bigint;
  disputed: bigint;
  processorFee: ProcessorFeeState;
}

export type RevenueStatus = "refunded" | "partly refunded" | "disputed" | null;

export interface RevenueOutcome {
  status: RevenueStatus;
  /** What the performer keeps of it now. */
  netAfter: bigint;
  /** What the buyers paid and kept paid. */
  grossAfter: bigint;
}

/** What is left of a sale after its refunds and disputes, and how to name it. */
export function saleOutcome(sale: Pick<RevenueSale, "gross" | "net" | "refundedGross" | "refunded" | "disputedGross" | "disputed">): RevenueOutcome {
  const takenGross = sale.refundedGross + sale.disputedGross;
  const status: RevenueStatus =
    sale.disputedGross > 0n ? "disputed" : sale.refundedGross > 0n ? (sale.refundedGross >= sale.gross ? "refunded" : "partly refunded") : null;
  return { status, netAfter: sale.net - sale.refunded - sale.disputed, grossAfter: sale.gross - takenGross };
}

/** One day's or month's totals, from the ledger entries of that UTC bucket. */
export interface RevenueBucket {
  start: Date;
  sales: number;
  gross: bigint;
  platformFee: bigint;
  /** The performer's share of the sales made in the bucket. */
  net: bigint;
  /** The performer's share taken back in the bucket (refunds, disputes), less what won disputes gave back. */
  takenBack: bigint;
  processorFees: MoneyTotals;
}

/** net - takenBack: what the bucket added to the performer's earnings, the earnings dashboard's figure. */
export function bucketNetAfter(bucket: Pick<RevenueBucket, "net" | "takenBack">): bigint {
  return bucket.net - bucket.takenBack;
}

export type RevenueTotals = Omit<RevenueBucket, "start"> & { netAfter: bigint };

export function totalBuckets(buckets: readonly RevenueBucket[]): RevenueTotals {
  const sum = (pick: (bucket: RevenueBucket) => bigint) => buckets.reduce((total, bucket) => total + pick(bucket), 0n);
  const net = sum((bucket) => bucket.net);
  const takenBack = sum((bucket) => bucket.takenBack);
  return {
    sales: buckets.reduce((total, bucket) => total + bucket.sales, 0),
    gross: sum((bucket) => bucket.gross),
    platformFee: sum((bucket) => bucket.platformFee),
    net,
    takenBack,
    netAfter: net - takenBack,
    processorFees: sumMoney(buckets.map((bucket) => bucket.processorFees)),
  };
}

const STATUS_LABELS: Record<Exclude<RevenueStatus, null>, string> = {
  refunded: "Refunded",
  "partly refunded": "Partly refunded",
  disputed: "Disputed",
};

export function revenueStatusLabel(status: RevenueStatus): string {
  return status ? STATUS_LABELS[status] : "";
}

/** What the processor fee cell says. */
export function processorFeeText(fee: ProcessorFeeState): string {
  switch (fee.state) {
    case "none":
      return "—";
    case "pending":
      return "Not read yet";
    case "read":
      return formatMinor(fee.feeMinor, fee.currency);
  }
}

export const REVENUE_CSV_HEADER = [
  "Date (UTC)",
  "Sale",
  "Kind",
  "Buyer",
  "Charges",
  "Gross (credits)",
  "Platform fee (credits)",
  "Net (credits)",
  "Refunded or disputed (credits)",
  "Net after refunds (credits)",
  "Status",
  "Processor fee",
  "Processor fee currency",
  "Card payment",
] as const;

/**
 * One CSV line per sale. Credits are plain integers and the fee plain minor units with its currency, so a
 * spreadsheet can add them up; nothing is negative (what refunds took back has a column of its own).
 */
export function revenueCsv(sales: readonly RevenueSale[], kindLabel: (kind: SaleKind) => string): string {
  const rows = sales.map((sale) => {
    const outcome = saleOutcome(sale);
    const fee = sale.processorFee;
    return [
      sale.at.toISOString(),
      sale.description,
      kindLabel(sale.saleKind),
      sale.buyer,
      String(sale.charges),
      sale.gross.toString(),
      sale.platformFee.toString(),
      sale.net.toString(),
      (sale.refunded + sale.disputed).toString(),
      outcome.netAfter.toString(),
      revenueStatusLabel(outcome.status),
      fee.state === "read" ? fee.feeMinor.toString() : "",
      fee.state === "read" ? fee.currency.toUpperCase() : "",
      fee.state === "none" ? "" : fee.paymentId,
    ];
  });
  return csvDocument(REVENUE_CSV_HEADER, rows);
}
