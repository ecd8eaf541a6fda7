import { describe, expect, it } from "vitest";
import { type CardPaymentGroup, totalsPerCurrency } from "./card-sales";

const group = (currency: string, status: CardPaymentGroup["status"], count: number, priceMinor: bigint, refundedMinor = 0n): CardPaymentGroup => ({
  currency,
  status,
  count,
  priceMinor,
  refundedMinor,
});

describe("totalsPerCurrency", () => {
  it.each<[string, CardPaymentGroup[], ReturnType<typeof totalsPerCurrency>]>([
    ["nothing bought", [], []],
    [
      "dollars and euros stay apart, never summed",
      [group("usd", "PAID", 2, 1998n), group("eur", "PAID", 1, 949n)],
      [
        { currency: "eur", payments: 1, paidMinor: 949n, refundedMinor: 0n, netMinor: 949n, disputed: 0 },
        { currency: "usd", payments: 2, paidMinor: 1998n, refundedMinor: 0n, netMinor: 1998n, disputed: 0 },
      ],
    ],
    [
      "refunds come off their own currency",
      [group("eur", "PAID", 1, 949n), group("eur", "PARTIALLY_REFUNDED", 1, 4699n, 300n), group("eur", "REFUNDED", 1, 949n, 949n), group("usd", "PAID", 1, 999n)],
      [
        { currency: "eur", payments: 3, paidMinor: 6597n, refundedMinor: 1249n, netMinor: 5348n, disputed: 0 },
        { currency: "usd", payments: 1, paidMinor: 999n, refundedMinor: 0n, netMinor: 999n, disputed: 0 },
      ],
    ],
    [
      "a disputed payment was collected, and is counted as disputed",
      [group("usd", "DISPUTED", 1, 4999n)],
      [{ currency: "usd", payments: 1, paidMinor: 4999n, refundedMinor: 0n, netMinor: 4999n, disputed: 1 }],
    ],
    [
      "pending, failed and expired checkouts collected nothing",
      [group("usd", "PENDING", 3, 2997n), group("eur", "FAILED", 1, 949n), group("eur", "EXPIRED", 1, 949n)],
      [],
    ],
    [
      "a code's case does not split a currency",
      [group("EUR", "PAID", 1, 949n), group("eur", "PAID", 1, 949n)],
      [{ currency: "eur", payments: 2, paidMinor: 1898n, refundedMinor: 0n, netMinor: 1898n, disputed: 0 }],
    ],
  ])("%s", (_name, groups, expected) => {
    expect(totalsPerCurrency(groups)).toEqual(expected);
  });
});
