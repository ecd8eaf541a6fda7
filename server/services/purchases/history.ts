import "server-only";
import { pool } from "@/server/db/client";
import { type CurrencyTotal, totalsPerCurrency } from "@/server/domain/card-sales";
import type { PurchaseStatus } from "@/server/generated/prisma/enums";
import { cardPaymentGroupRows, type CardPaymentGroupRow, purchaseHistoryRows } from "./queries";

export interface PurchaseLine {
  id: string;
  packageName: string;
  credits: bigint;
  priceMinor: bigint;
  currency: string;
  refundedMinor: bigint;
  status: PurchaseStatus;
  createdAt: Date;
}

const HISTORY_LINES = 20;

function totalsOf(rows: CardPaymentGroupRow[]): CurrencyTotal[] {
  return totalsPerCurrency(
    rows.map((row) => ({ currency: row.currency, status: row.status, count: row.count, priceMinor: BigInt(row.price_minor), refundedMinor: BigInt(row.refunded_minor) })),
  );
}

/** A member's latest card purchases, and what they paid over all of them, one total per currency. */
export async function purchaseHistoryOf(userId: string): Promise<{ purchases: PurchaseLine[]; totals: CurrencyTotal[] }> {
  const [lines, groups] = await Promise.all([purchaseHistoryRows(pool, userId, HISTORY_LINES), cardPaymentGroupRows(pool, userId)]);
  return {
    purchases: lines.map((row) => ({
      id: row.id,
      packageName: row.package_name,
      credits: BigInt(row.credits),
      priceMinor: BigInt(row.price_minor),
      currency: row.currency,
      refundedMinor: BigInt(row.refunded_minor),
      status: row.status,
      createdAt: row.created_at,
    })),
    totals: totalsOf(groups),
  };
}

/** Every card sale of credits, one total per currency, for the books. */
export async function cardSalesByCurrency(): Promise<CurrencyTotal[]> {
  return totalsOf(await cardPaymentGroupRows(pool, null));
}
