import { describe, expect, it } from "vitest";
import {
  type RevenueBucket,
  type RevenueSale,
  addMoney,
  bucketNetAfter,
  formatMoneyTotals,
  processorFeeText,
  revenueCsv,
  revenuePeriodRange,
  saleOutcome,
  sumMoney,
  totalBuckets,
} from "./revenue";

const utc = (text: string) => new Date(text);

describe("revenuePeriodRange", () => {
  it.each([
    ["30d", "2026-12-06T05:10:00Z", "2026-11-07T00:00:00.000Z", "2026-12-07T00:00:00.000Z"],
    ["this-month", "2026-12-06T05:10:00Z", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["last-month", "2026-12-06T05:10:00Z", "2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"],
    // Across a year: January's last month is December of the year before.
    ["last-month", "2027-01-31T23:59:59Z", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["12m", "2026-12-06T05:10:00Z", "2026-01-01T00:00:00.000Z", "2026-12-07T00:00:00.000Z"],
    ["all", "2026-12-06T05:10:00Z", null, "2026-12-07T00:00:00.000Z"],
  ] as const)("%s at %s runs from %s to %s (UTC)", (period, now, from, to) => {
    const range = revenuePeriodRange(period, utc(now));
    expect(range.from?.toISOString() ?? null).toBe(from);
    expect(range.to.toISOString()).toBe(to);
  });
});

const sale = (overrides: Partial<RevenueSale> = {}): RevenueSale => ({
  key: "transaction:1",
  at: utc("2026-12-06T05:10:00Z"),
  kind: "TIP",
  saleKind: "TIP",
  description: "Tip",
  buyer: "Mia",
  charges: 1,
  gross: 100n,
  platformFee: 20n,
  net: 80n,
  refundedGross: 0n,
  refunded: 0n,
  disputedGross: 0n,
  disputed: 0n,
  processorFee: { state: "none" },
  ...overrides,
});

describe("saleOutcome", () => {
  it.each([
    ["a plain sale keeps all of it", {}, { status: null, netAfter: 80n, grossAfter: 100n }],
    ["a refunded sale keeps nothing", { refundedGross: 100n, refunded: 80n }, { status: "refunded", netAfter: 0n, grossAfter: 0n }],
    // A refund taken partly from pending and partly from the Earnings wallet is still the whole share.
    ["a refund of part of a show", { gross: 180n, net: 126n, refundedGross: 60n, refunded: 42n }, { status: "partly refunded", netAfter: 84n, grossAfter: 120n }],
    ["a dispute that took the pending share", { disputedGross: 100n, disputed: 80n }, { status: "disputed", netAfter: 0n, grossAfter: 0n }],
    // The share had matured: the platform bore it, so the performer keeps their net.
    ["a dispute the platform bore", { disputedGross: 100n, disputed: 0n }, { status: "disputed", netAfter: 80n, grossAfter: 0n }],
  ] as const)("%s", (_name, overrides, expected) => {
    expect(saleOutcome(sale(overrides))).toEqual(expected);
  });
});

const bucket = (day: string, overrides: Partial<RevenueBucket> = {}): RevenueBucket => ({
  start: utc(day),
  sales: 1,
  gross: 100n,
  platformFee: 20n,
  net: 80n,
  takenBack: 0n,
  processorFees: {},
  ...overrides,
});

describe("totals", () => {
  it.each([
    ["nothing", [], { sales: 0, gross: 0n, platformFee: 0n, net: 0n, takenBack: 0n, netAfter: 0n, processorFees: {} }],
    [
      "two days, a refund on the second, fees in two currencies",
      [
        bucket("2026-12-05T00:00:00Z", { processorFees: { usd: 47n } }),
        bucket("2026-12-06T00:00:00Z", { sales: 2, gross: 300n, platformFee: 60n, net: 240n, takenBack: 80n, processorFees: { usd: 10n, eur: 5n } }),
      ],
      { sales: 3, gross: 400n, platformFee: 80n, net: 320n, takenBack: 80n, netAfter: 240n, processorFees: { usd: 57n, eur: 5n } },
    ],
    // A day with only a refund of an earlier sale takes from the total without adding a sale.
    ["a day of refunds only", [bucket("2026-12-06T00:00:00Z", { sales: 0, gross: 0n, platformFee: 0n, net: 0n, takenBack: 40n })], { sales: 0, gross: 0n, platformFee: 0n, net: 0n, takenBack: 40n, netAfter: -40n, processorFees: {} }],
  ] as const)("%s", (_name, buckets, expected) => {
    expect(totalBuckets(buckets)).toEqual(expected);
  });

  it("a bucket's net after refunds is its net less what was taken back", () => {
    expect(bucketNetAfter({ net: 80n, takenBack: 30n })).toBe(50n);
  });
});

describe("money in several currencies", () => {
  it.each([
    [{}, "—"],
    [{ usd: 47n }, "$0.47"],
    [{ usd: 0n }, "—"],
    [{ usd: 1047n, eur: 30n }, "€0.30 + $10.47"],
  ] as const)("%o reads %s", (totals, text) => {
    expect(formatMoneyTotals(totals)).toBe(text);
  });

  it("adds by currency whatever its case", () => {
    expect(addMoney(addMoney({}, "USD", 10n), "usd", 5n)).toEqual({ usd: 15n });
    expect(sumMoney([{ usd: 1n }, { eur: 2n, usd: 3n }])).toEqual({ usd: 4n, eur: 2n });
  });
});

describe("processorFeeText", () => {
  it.each([
    [{ state: "none" }, "—"],
    [{ state: "pending", paymentId: "pi_1" }, "Not read yet"],
    [{ state: "read", paymentId: "pi_1", feeMinor: 47n, currency: "usd" }, "$0.47"],
  ] as const)("%o", (fee, text) => {
    expect(processorFeeText(fee)).toBe(text);
  });
});

describe("revenueCsv", () => {
  it("writes one line per sale with plain numbers, never a negative one, and the fee in minor units with its currency", () => {
    const csv = revenueCsv(
      [
        sale({ description: "Store: Poster, signed", saleKind: "STORE", processorFee: { state: "read", paymentId: "pi_1", feeMinor: 47n, currency: "usd" } }),
        sale({ buyer: "=cmd()", refundedGross: 100n, refunded: 80n, processorFee: { state: "pending", paymentId: "pi_2" } }),
      ],
      (kind) => (kind === "STORE" ? "Store" : "Tips"),
    );
    const lines = csv.split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe("");
    expect(lines[1]).toBe('2026-12-06T05:10:00.000Z,"Store: Poster, signed",Store,Mia,1,100,20,80,0,80,,47,USD,pi_1');
    // A buyer's name that would start a formula is defused.
    expect(lines[2]).toBe("2026-12-06T05:10:00.000Z,Tip,Tips,'=cmd(),1,100,20,80,80,0,Refunded,,,pi_2");
  });
});
