import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  MAX_ITEM_PRICE,
  addressLines,
  orderTotal,
  shippingAddressSchema,
  splitPayment,
  storeItemFieldsSchema,
  walletCap,
} from "./store";

describe("walletCap", () => {
  it.each([
    // total, max wallet share bps, cap
    [100n, 10_000, 100n],
    [100n, 5_000, 50n],
    [99n, 5_000, 49n],
    [1n, 5_000, 0n],
    [3n, 3_333, 0n],
    [1000n, 3_333, 333n],
    [100n, 0, 0n],
    [9007199254740993n, 9_999, 9006298534815518n],
  ])("%s credits at %i bps: %s from the wallet", (total, bps, cap) => {
    expect(walletCap(total, bps)).toBe(cap);
  });

  it.each([-1, 10_001, 50.5])("refuses a share of %s bps", (bps) => {
    expect(() => walletCap(100n, bps)).toThrow(DomainError);
  });
});

describe("splitPayment", () => {
  it.each([
    // total, wallet part, share bps, credit price (minor), card part, card amount (minor)
    [150n, 150n, 10_000, 10n, 0n, 0n],
    [150n, 0n, 10_000, 10n, 150n, 1500n],
    [150n, 100n, 10_000, 10n, 50n, 500n],
    [150n, 75n, 5_000, 10n, 75n, 750n],
    [101n, 50n, 5_000, 7n, 51n, 357n],
    [1n, 0n, 5_000, 1n, 1n, 1n],
  ])("%s credits, %s from the wallet (cap %i bps, %s per credit): card %s credits = %s", (total, wallet, bps, price, card, amount) => {
    const split = splitPayment({ total, walletPart: wallet, maxWalletShareBps: bps, creditPriceMinor: price });
    expect(split).toEqual({ total, walletPart: wallet, cardPart: card, cardAmountMinor: amount });
    expect(split.walletPart + split.cardPart).toBe(total);
  });

  it.each([
    [150n, 76n, 5_000, "At most 75 credits of this order can come from your wallet; the rest is paid by card."],
    [150n, 151n, 10_000, "At most 150 credits of this order can come from your wallet; the rest is paid by card."],
    [150n, 1n, 0, "This order must be paid wholly by card."],
    [150n, -1n, 10_000, "The wallet part cannot be negative."],
    [0n, 0n, 10_000, "An order must be for a positive amount."],
  ])("refuses %s credits with %s from the wallet at %i bps", (total, wallet, bps, message) => {
    expect(() => splitPayment({ total, walletPart: wallet, maxWalletShareBps: bps, creditPriceMinor: 10n })).toThrow(message);
  });

  it("names the wallet field when over the cap", () => {
    try {
      splitPayment({ total: 10n, walletPart: 9n, maxWalletShareBps: 5_000, creditPriceMinor: 10n });
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).details).toEqual({ fieldErrors: { walletPart: ["At most 5 credits."] } });
    }
  });
});

describe("orderTotal", () => {
  it.each([
    [25n, 1, 25n],
    [25n, 4, 100n],
    [MAX_ITEM_PRICE, 10, MAX_ITEM_PRICE * 10n],
  ])("%s x %i = %s", (price, quantity, total) => {
    expect(orderTotal(price, quantity)).toBe(total);
  });

  it.each([
    [25n, 0],
    [25n, 11],
    [25n, 1.5],
    [0n, 1],
  ])("refuses %s x %s", (price, quantity) => {
    expect(() => orderTotal(price, quantity)).toThrow(DomainError);
  });
});

describe("storeItemFieldsSchema", () => {
  const valid = { kind: "PHYSICAL", title: "Tour shirt", description: "", price: 150n, stock: 25, active: true } as const;

  it("accepts an item and unlimited stock", () => {
    expect(storeItemFieldsSchema.parse(valid)).toEqual(valid);
    expect(storeItemFieldsSchema.parse({ ...valid, stock: null }).stock).toBeNull();
  });

  it.each([
    [{ price: 0n }, "The price must be at least 1 credit."],
    [{ price: MAX_ITEM_PRICE + 1n }, "The price can be at most 1,000,000 credits."],
    [{ stock: -1 }, "Stock cannot be negative."],
    [{ stock: 1.5 }, "Stock is a whole number."],
    [{ title: " a " }, "Give the item a title of at least 2 characters."],
  ])("refuses %o: %s", (change, message) => {
    const result = storeItemFieldsSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });
});

describe("shipping addresses", () => {
  it("normalises the country and lists the lines", () => {
    const address = shippingAddressSchema.parse({ name: "Mia Member", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" });
    expect(address.country).toBe("US");
    expect(addressLines(address)).toEqual(["Mia Member", "1 Main St", "12345 Springfield", "US"]);
  });

  it("refuses a country that is not a two-letter code", () => {
    const result = shippingAddressSchema.safeParse({ name: "Mia", line1: "1 Main St", city: "X", postalCode: "12", country: "USA" });
    expect(result.error?.issues[0]?.message).toBe("Use the two-letter country code, like US or DE.");
  });
});
