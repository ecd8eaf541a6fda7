import { describe, expect, it } from "vitest";
import { formatSignedWalletAmount, formatWalletAmount, type WalletCurrency } from "@/components/wallet/wallet-amount";

const CREDITS: WalletCurrency = { currency: "CRD", currencyKind: "CREDITS", exponent: 0 };
const POINTS: WalletCurrency = { currency: "PTS", currencyKind: "POINTS", exponent: 0 };
const USD: WalletCurrency = { currency: "USD", currencyKind: "FIAT", exponent: 2 };
const MXN: WalletCurrency = { currency: "MXN", currencyKind: "FIAT", exponent: 2 };
const KWD: WalletCurrency = { currency: "KWD", currencyKind: "FIAT", exponent: 3 };
const JPY: WalletCurrency = { currency: "JPY", currencyKind: "FIAT", exponent: 0 };

describe("formatWalletAmount", () => {
  it.each([
    [1_250n, CREDITS, "1,250 credits"],
    [1n, CREDITS, "1 credit"],
    [0n, CREDITS, "0 credits"],
    [-40n, CREDITS, "-40 credits"],
    [40n, POINTS, "40 points"],
    [1_234n, USD, "$12.34"],
    [5n, USD, "$0.05"],
    [0n, USD, "$0.00"],
    [-123_456_789n, USD, "-$1,234,567.89"],
    [150_000n, MXN, "1,500.00 MXN"],
    [1_234n, KWD, "1.234 KWD"],
    [500n, JPY, "¥500"],
  ])("%s in %o reads %s", (amount, wallet, expected) => {
    expect(formatWalletAmount(amount, wallet)).toBe(expected);
  });

  it("signs a history amount", () => {
    expect([formatSignedWalletAmount(150n, USD), formatSignedWalletAmount(-3n, CREDITS), formatSignedWalletAmount(0n, CREDITS)]).toEqual([
      "+$1.50",
      "-3 credits",
      "0 credits",
    ]);
  });
});
