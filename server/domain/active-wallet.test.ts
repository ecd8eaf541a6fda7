import { describe, expect, it } from "vitest";
import {
  type TopUpDecision,
  type TopUpState,
  assertMayBeActive,
  assertMayTopUp,
  autoTopUpKey,
  autoTopUpSchema,
  decideTopUp,
  mayPayInRooms,
  setActiveWalletSchema,
  topUpAmountProblem,
  topUpProblem,
} from "./active-wallet";
import { isDomainError } from "./errors";
import type { WalletRules } from "./wallets";
import { bonus, credits, dollars, earnings } from "./wallets.testing";

const tipsOnly: WalletRules = { ...credits, id: "tips-only", name: "Tips", accountKind: "tips-only", paysFor: ["TIPS"] };
const retired: WalletRules = { ...credits, id: "old", name: "Old", active: false };

describe("which wallet may be active", () => {
  it.each([
    [credits, true],
    [bonus, true],
    [tipsOnly, true],
    [earnings, false],
    [dollars, false],
    [retired, false],
  ])("%s", (wallet, may) => {
    expect(mayPayInRooms(wallet)).toBe(may);
    if (may) expect(() => assertMayBeActive(wallet)).not.toThrow();
    else expect(() => assertMayBeActive(wallet)).toThrow(wallet.active ? /cannot pay for tips or shows/ : /not in use any more/);
  });
});

describe("which wallet may top up which", () => {
  it.each([
    [dollars, credits, null],
    [credits, tipsOnly, null],
    [credits, credits, /top-up loop/],
    [dollars, bonus, /can't be topped up/],
    [bonus, credits, /can't be moved out of your Bonus/],
    [retired, credits, /not in use any more/],
  ])("%o into %o", (source, active, problem) => {
    const found = topUpProblem(source, active);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});

describe("a top-up amount must move something at the rate in effect", () => {
  const usd = { name: "Dollars", currency: "USD", exponent: 2 };
  const crd = { name: "Credits", currency: "CRD", exponent: 0 };
  const showsPass = { name: "Shows Pass", currency: "CRD", exponent: 0 };
  const tenCreditsADollar = { rateE8: 1_000_000_000n, feeBps: 0 };
  it.each([
    ["$0.10 at 10 credits a dollar", 10n, usd, crd, tenCreditsADollar, null],
    ["$0.09 at 10 credits a dollar", 9n, usd, crd, tenCreditsADollar, "Top up by at least $0.10: less comes to nothing in your Credits wallet after the rate and fee."],
    ["1 cent at 10 credits a dollar", 1n, usd, crd, tenCreditsADollar, "Top up by at least $0.10: less comes to nothing in your Credits wallet after the rate and fee."],
    ["$1.00 at 0.5 credits a dollar", 100n, usd, crd, { rateE8: 50_000_000n, feeBps: 0 }, "Top up by at least $2.00: less comes to nothing in your Credits wallet after the rate and fee."],
    ["1 credit into credits, no fee", 1n, crd, showsPass, { rateE8: 100_000_000n, feeBps: 0 }, null],
    ["1 credit into credits with a 2% fee", 1n, crd, showsPass, { rateE8: 100_000_000n, feeBps: 200 }, "Top up by at least 2 credits: less comes to nothing in your Shows Pass wallet after the rate and fee."],
    ["a fee of all of it", 1_000n, crd, showsPass, { rateE8: 100_000_000n, feeBps: 10_000 }, "Nothing from your Credits wallet would reach your Shows Pass wallet: the fee takes all of it."],
  ])("%s", (_name, amount, source, active, rate, problem) => {
    expect(topUpAmountProblem(amount, source, active, rate)).toBe(problem);
  });
});

describe("the preference schemas refuse bad input in words", () => {
  const good = { sourceWalletTypeId: "usd", below: 100n, amount: 500n, maxPerDay: 3 };
  it.each([
    [{ ...good, below: -1n }, "The threshold can't be negative."],
    [{ ...good, amount: 0n }, "Top up by a positive amount."],
    [{ ...good, amount: -5n }, "Top up by a positive amount."],
    [{ ...good, maxPerDay: 0 }, "Allow at least one top-up a day."],
    [{ ...good, maxPerDay: 51 }, "At most 50 top-ups a day."],
    [{ ...good, maxPerDay: 1.5 }, "Say how many times a day, as a whole number."],
    [{ ...good, sourceWalletTypeId: "Not A Wallet" }, "Choose one of your wallets."],
  ])("%o", (input, message) => {
    const parsed = autoTopUpSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(message);
  });

  it("accepts a rule at the bounds", () => {
    expect(autoTopUpSchema.parse({ ...good, below: 0n, amount: 1n, maxPerDay: 1 })).toEqual({ ...good, below: 0n, amount: 1n, maxPerDay: 1 });
    expect(autoTopUpSchema.parse({ ...good, maxPerDay: 50 }).maxPerDay).toBe(50);
    expect(setActiveWalletSchema.safeParse({ walletTypeId: "" }).success).toBe(false);
  });
});

describe("automatic top-up fires once per threshold crossing", () => {
  const base: TopUpState = { balance: 50n, threshold: 100n, armed: true, postedToday: 0, maxPerDay: 3, sourceBalance: 1_000n, amount: 500n };
  const table: [string, Partial<TopUpState>, TopUpDecision][] = [
    ["below, armed: fires as the day's first", {}, { action: "top_up", sequence: 1 }],
    ["below, armed, two already today: the third", { postedToday: 2 }, { action: "top_up", sequence: 3 }],
    ["below, disarmed: already fired this crossing", { armed: false }, { action: "none" }],
    ["exactly at the threshold, armed: not below", { balance: 100n }, { action: "none" }],
    ["above, armed: nothing", { balance: 101n }, { action: "none" }],
    ["back at the threshold, disarmed: re-arms", { balance: 100n, armed: false }, { action: "rearm" }],
    ["above, disarmed: re-arms", { balance: 5_000n, armed: false }, { action: "rearm" }],
    ["below, armed, at the day's limit: refused", { postedToday: 3 }, { action: "refuse", reason: "DAILY_LIMIT" }],
    ["below, armed, short of funds: refused", { sourceBalance: 499n }, { action: "refuse", reason: "SHORT_OF_FUNDS" }],
    ["source holds exactly the amount: fires", { sourceBalance: 500n }, { action: "top_up", sequence: 1 }],
    ["at the limit and short: the limit is what they hear", { postedToday: 3, sourceBalance: 0n }, { action: "refuse", reason: "DAILY_LIMIT" }],
    ["below, disarmed, at the limit: told already, nothing", { armed: false, postedToday: 3 }, { action: "none" }],
    ["threshold zero, balance zero: never below", { threshold: 0n, balance: 0n }, { action: "none" }],
    ["negative balance (a clawback), armed: fires", { balance: -10n }, { action: "top_up", sequence: 1 }],
  ];
  it.each(table)("%s", (_name, change, decision) => {
    expect(decideTopUp({ ...base, ...change })).toEqual(decision);
  });

  it("keys name the member, the UTC day and the number", () => {
    expect(autoTopUpKey("u1", "2026-12-06", 2)).toBe("top-up:u1:2026-12-06:2");
  });

  it("a loop is a bad request, a forbidden wallet forbidden", () => {
    const codeOf = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return isDomainError(error) ? error.code : "other";
      }
      return null;
    };
    expect(codeOf(() => assertMayTopUp(credits, credits))).toBe("BAD_REQUEST");
    expect(codeOf(() => assertMayTopUp(bonus, credits))).toBe("FORBIDDEN");
    expect(codeOf(() => assertMayTopUp(dollars, credits))).toBeNull();
    expect(codeOf(() => assertMayBeActive(earnings))).toBe("FORBIDDEN");
  });
});
