import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { payingWallets, renewalWallet, splitStoreOrder, storeWalletMax } from "./wallet-spending";
import type { WalletRules } from "./wallets";
import { bonus, credits, dollars as seededDollars, earnings } from "./wallets.testing";

const noStoreShare: WalletRules = { ...bonus, id: "zero", name: "Zero", storeShareCapBps: 0 };
// Its list names everything: a wallet outside credits pays for nothing all the same.
const dollars: WalletRules = { ...seededDollars, paysFor: credits.paysFor };
const fanWallet: WalletRules = { ...credits, id: "fan", name: "Fan", accountKind: "fan", paysFor: ["MEMBERSHIPS"] };
const retiredFan: WalletRules = { ...fanWallet, active: false };
const fanNoLonger: WalletRules = { ...fanWallet, paysFor: ["TIPS"] };

const everyWallet = [credits, earnings, bonus, dollars, fanWallet];

describe("the wallets that may pay", () => {
  it.each([
    ["CONTENT", ["credits"]],
    ["MEMBERSHIPS", ["credits", "fan"]],
    ["STORE", ["credits", "bonus"]],
    ["TIPS", ["credits", "bonus"]],
  ] as const)("for %s: %j", (purpose, ids) => {
    expect(payingWallets(everyWallet, purpose).map((wallet) => wallet.id)).toEqual(ids);
  });
});

describe("the most of a store order a wallet may pay", () => {
  it.each([
    // total, wallet, store's own cap (bps), most from the wallet
    [1_200n, credits, 10_000, 1_200n],
    [1_200n, bonus, 10_000, 600n],
    [1_201n, bonus, 10_000, 600n], // floor: a cap never lets a wallet pay a credit more
    [1_200n, bonus, 4_000, 480n], // the store's cap is lower: it applies
    [1_200n, credits, 2_500, 300n],
    [1_200n, noStoreShare, 10_000, 0n],
    [1_200n, earnings, 10_000, 0n], // its rules leave the store out
    [1_200n, dollars, 10_000, 0n],
  ] as const)("%s credits from %o with the store at %s bps: %s", (total, wallet, siteBps, expected) => {
    expect(storeWalletMax(total, wallet, siteBps)).toBe(expected);
  });
});

describe("splitting a store order between a wallet and the card", () => {
  const terms = { maxWalletShareBps: 10_000, creditPriceMinor: 10n };
  it.each([
    // wallet, total, wallet part asked (undefined: all of it), wallet part, card part, card charge (minor units)
    [credits, 1_200n, undefined, 1_200n, 0n, 0n],
    [credits, 1_200n, 200n, 200n, 1_000n, 10_000n],
    [bonus, 1_200n, 600n, 600n, 600n, 6_000n],
    [bonus, 1_200n, 1n, 1n, 1_199n, 11_990n],
    [bonus, 1_200n, 0n, 0n, 1_200n, 12_000n],
    [bonus, 1_201n, 600n, 600n, 601n, 6_010n],
  ] as const)("%o pays %s of %s (asked %s)", (wallet, total, asked, walletPart, cardPart, cardAmountMinor) => {
    expect(splitStoreOrder({ total, walletPart: asked, wallet, ...terms })).toEqual({ total, walletPart, cardPart, cardAmountMinor });
  });

  it.each([
    [bonus, 1_200n, undefined, "Your Bonus wallet can pay at most 600 credits of this order."],
    [bonus, 1_200n, 601n, "Your Bonus wallet can pay at most 600 credits of this order."],
    [bonus, 3_000n, 2_000n, "Your Bonus wallet can pay at most 1,500 credits of this order."],
    [noStoreShare, 1_200n, 1n, "Your Zero wallet cannot pay any of this order."],
    [earnings, 1_200n, 100n, "Your Earnings wallet cannot pay for store orders."],
    [dollars, 1_200n, 100n, "Your Dollars wallet cannot pay for store orders."],
    [{ ...bonus, active: false }, 1_200n, 100n, "The Bonus wallet is not in use any more."],
  ] as const)("%o refuses %s of %s", (wallet, total, asked, message) => {
    expect(() => splitStoreOrder({ total, walletPart: asked, wallet, ...terms })).toThrow(message);
  });

  it("leaves the store's own cap to its own words when that is the lower one", () => {
    const split = () => splitStoreOrder({ total: 1_200n, walletPart: 600n, wallet: bonus, maxWalletShareBps: 2_500, creditPriceMinor: 10n });
    expect(split).toThrow("At most 300 credits of this order can come from your wallet; the rest is paid by card.");
  });

  it("names the wallet cap as a field error on the wallet part", () => {
    try {
      splitStoreOrder({ total: 1_200n, wallet: bonus, ...terms });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("BAD_REQUEST");
      expect((error as DomainError).details).toMatchObject({ fieldErrors: { walletPart: ["At most 600 credits from Bonus."] } });
    }
  });
});

describe("the wallet a membership renewal charges", () => {
  it.each([
    [credits, "credits", false],
    [fanWallet, "fan", false],
    [retiredFan, "credits", true], // the type was deactivated
    [fanNoLonger, "credits", true], // its rules no longer include memberships
    [bonus, "credits", true],
  ] as const)("joined with %o: %s (fell back: %s)", (startedWith, expected, fellBack) => {
    expect(renewalWallet(startedWith, credits)).toEqual({ wallet: expect.objectContaining({ id: expected }), fellBack });
  });
});
