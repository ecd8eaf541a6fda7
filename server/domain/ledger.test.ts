import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  adjustmentLegs,
  assertBalanced,
  clawbackLegs,
  creditsForPaymentShare,
  purchaseLegs,
  refundClawback,
  reversalLegs,
  systemAccount,
  userAccount,
} from "./ledger";

const member = "00000000-0000-4000-8000-000000000001";

describe("account codes", () => {
  it.each([
    [userAccount(member, "available"), `user:${member}:available:CRD`],
    [userAccount(member, "held", "USD"), `user:${member}:held:USD`],
    [systemAccount("revenue"), "system:revenue:CRD"],
  ])("%s", (code, expected) => {
    expect(code).toBe(expected);
  });
});

describe("assertBalanced", () => {
  it.each([
    ["one leg", [{ account: "a", amount: 5n }], "at least two legs"],
    ["a zero leg", [{ account: "a", amount: 0n }, { account: "b", amount: 0n }], "cannot be zero"],
    ["unbalanced", [{ account: "a", amount: -5n }, { account: "b", amount: 4n }], "sum to zero"],
  ])("refuses %s", (_name, legs, message) => {
    expect(() => assertBalanced(legs)).toThrow(message);
  });

  it("accepts a three-way split", () => {
    expect(() =>
      assertBalanced([
        { account: "member", amount: -100n },
        { account: "performer", amount: 70n },
        { account: "platform", amount: 30n },
      ]),
    ).not.toThrow();
  });
});

describe("legs builders", () => {
  it("purchase and clawback mirror each other", () => {
    const bought = purchaseLegs(member, 500n);
    expect(bought).toEqual([
      { account: "system:gateway_clearing:CRD", amount: -500n },
      { account: `user:${member}:available:CRD`, amount: 500n },
    ]);
    expect(clawbackLegs(member, 500n)).toEqual(reversalLegs(bought).reverse());
  });

  it.each([
    [250n, 250n, -250n],
    [-40n, -40n, 40n],
  ])("adjustment of %s", (amount, userSide, adjustmentsSide) => {
    expect(adjustmentLegs(member, "available", amount)).toEqual([
      { account: `user:${member}:available:CRD`, amount: userSide },
      { account: "system:adjustments:CRD", amount: adjustmentsSide },
    ]);
  });

  it.each([
    ["purchase", () => purchaseLegs(member, 0n)],
    ["clawback", () => clawbackLegs(member, -1n)],
    ["adjustment", () => adjustmentLegs(member, "available", 0n)],
  ])("refuses an empty %s", (_name, build) => {
    expect(build).toThrow(DomainError);
  });
});

describe("creditsForPaymentShare and refundClawback", () => {
  it.each([
    // credits, price, part, expected share
    [1000n, 999n, 0n, 0n],
    [1000n, 999n, 999n, 1000n],
    [1000n, 999n, 2000n, 1000n],
    [1000n, 999n, 500n, 500n],
    [1000n, 999n, 1n, 1n],
    [1100n, 1000n, 333n, 366n],
  ])("share of %s credits for %s/%s", (credits, price, part, expected) => {
    expect(creditsForPaymentShare(credits, price, part)).toBe(expected);
  });

  it.each([
    // credits, price, refunded before, refunded now, credits to take back
    ["first partial refund", 1100n, 1000n, 0n, 333n, 366n],
    ["second partial refund", 1100n, 1000n, 333n, 666n, 366n],
    ["final refund takes the rounding remainder", 1100n, 1000n, 666n, 1000n, 368n],
    ["a replayed total takes nothing", 1100n, 1000n, 666n, 666n, 0n],
    ["a stale smaller total takes nothing", 1100n, 1000n, 666n, 333n, 0n],
    ["full refund at once", 500n, 499n, 0n, 499n, 500n],
  ])("%s", (_name, credits, priceMinor, refundedBeforeMinor, refundedNowMinor, expected) => {
    expect(refundClawback({ credits, priceMinor, refundedBeforeMinor, refundedNowMinor })).toBe(expected);
  });

  it("partial refunds in any order never take more than was bought", () => {
    const totals = [250n, 500n, 750n, 1000n];
    let taken = 0n;
    let before = 0n;
    for (const now of [...totals].reverse().concat(totals)) {
      taken += refundClawback({ credits: 1234n, priceMinor: 1000n, refundedBeforeMinor: before, refundedNowMinor: now });
      before = now > before ? now : before;
    }
    expect(taken).toBe(1234n);
  });
});
