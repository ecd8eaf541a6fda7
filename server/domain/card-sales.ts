import type { PurchaseStatus } from "@/server/generated/prisma/enums";

/**
 * Card payments for credits, totalled the only way amounts in different currencies can be: one total per currency.
 * A dollar and a euro are never added together, and no total is converted; the credits they bought are.
 */

/** Purchases whose card payment Stripe collected (some or all of it may have gone back since). */
const COLLECTED: ReadonlySet<PurchaseStatus> = new Set<PurchaseStatus>(["PAID", "PARTIALLY_REFUNDED", "REFUNDED", "DISPUTED"]);

export function wasCollected(status: PurchaseStatus): boolean {
  return COLLECTED.has(status);
}

/** Purchases of one currency and status, already summed (a GROUP BY row), or a single purchase with count 1. */
export interface CardPaymentGroup {
  currency: string;
  status: PurchaseStatus;
  count: number;
  priceMinor: bigint;
  refundedMinor: bigint;
}

export interface CurrencyTotal {
  currency: string;
  /** Purchases paid by card, including those refunded or disputed since. */
  payments: number;
  paidMinor: bigint;
  refundedMinor: bigint;
  /** Paid less refunded; a dispute's amount is Stripe's to report, not counted here. */
  netMinor: bigint;
  disputed: number;
}

/** One total per currency, currencies in alphabetical order; payments never collected (pending, failed, expired) count nowhere. */
export function totalsPerCurrency(groups: readonly CardPaymentGroup[]): CurrencyTotal[] {
  const totals = new Map<string, CurrencyTotal>();
  for (const group of groups) {
    if (!wasCollected(group.status)) continue;
    const currency = group.currency.toLowerCase();
    const total = totals.get(currency) ?? { currency, payments: 0, paidMinor: 0n, refundedMinor: 0n, netMinor: 0n, disputed: 0 };
    total.payments += group.count;
    total.paidMinor += group.priceMinor;
    total.refundedMinor += group.refundedMinor;
    total.netMinor = total.paidMinor - total.refundedMinor;
    if (group.status === "DISPUTED") total.disputed += group.count;
    totals.set(currency, total);
  }
  return [...totals.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}
