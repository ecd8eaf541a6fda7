import { z } from "zod";
import { DomainError } from "./errors";
import { type CurrencyFormat, formatWalletAmount } from "./money";
import { type WalletRules, mayPay, smallestExchangeAmount } from "./wallets";

/**
 * The active wallet: the one of a member's wallets that pays in live rooms (tips, private and group shows), and
 * the automatic top-up that refills it from another wallet during a show. Pure rules; the use cases are in
 * server/services/wallet/preferences.ts and top-ups.ts.
 */

/** What the active wallet pays for: a wallet that pays for neither cannot be active. */
export const LIVE_PURPOSES = ["TIPS", "SHOWS"] as const;

export function mayPayInRooms(wallet: WalletRules): boolean {
  return LIVE_PURPOSES.some((purpose) => mayPay(wallet, purpose));
}

export function assertMayBeActive(wallet: WalletRules): void {
  if (!wallet.active) throw new DomainError("PRECONDITION_FAILED", `The ${wallet.name} wallet is not in use any more.`);
  if (!mayPayInRooms(wallet)) throw new DomainError("FORBIDDEN", `Your ${wallet.name} wallet cannot pay for tips or shows.`);
}

export const MAX_TOP_UPS_PER_DAY = 50;
const walletId = z.string().trim().regex(/^[a-z][a-z0-9-]{1,31}$/, "Choose one of your wallets.");

export const setActiveWalletSchema = z.object({ walletTypeId: walletId });

/** An automatic top-up rule as a member sets it; `below` is in the active wallet's minor units, `amount` in the source's. */
export const autoTopUpSchema = z.object({
  sourceWalletTypeId: walletId,
  below: z.bigint().min(0n, "The threshold can't be negative.").max(10n ** 15n, "That threshold is too large."),
  amount: z.bigint().min(1n, "Top up by a positive amount.").max(10n ** 15n, "That amount is too large."),
  maxPerDay: z
    .number()
    .int("Say how many times a day, as a whole number.")
    .min(1, "Allow at least one top-up a day.")
    .max(MAX_TOP_UPS_PER_DAY, `At most ${MAX_TOP_UPS_PER_DAY} top-ups a day.`),
});
export type AutoTopUpRule = z.output<typeof autoTopUpSchema>;

/** Why a top-up from `source` into `active` can't be set or made, in words; null when it can. */
export function topUpProblem(source: WalletRules, active: WalletRules): string | null {
  if (source.id === active.id) return `Your ${active.name} wallet can't top itself up: that would be a top-up loop. Choose another wallet.`;
  if (!source.active) return `The ${source.name} wallet is not in use any more.`;
  if (!source.exchangeOut) return `Value can't be moved out of your ${source.name} wallet, so it can't top up another.`;
  if (!active.exchangeIn) return `Your ${active.name} wallet can't be topped up: value can't be moved into it.`;
  return null;
}

export function assertMayTopUp(source: WalletRules, active: WalletRules): void {
  const problem = topUpProblem(source, active);
  if (problem) throw new DomainError(source.id === active.id ? "BAD_REQUEST" : "FORBIDDEN", problem);
}

export interface TopUpWallet extends CurrencyFormat {
  name: string;
  exponent: number;
}

/**
 * Why a top-up rule's amount would move nothing into the active wallet at the rate and fee in effect, in words;
 * null when it moves something. Refused when the rule is saved; the top-up itself still refuses it when it fires,
 * since a rate can change after the rule was saved.
 */
export function topUpAmountProblem(amount: bigint, source: TopUpWallet, active: TopUpWallet, rate: { rateE8: bigint; feeBps: number }): string | null {
  const least = smallestExchangeAmount({ fromExponent: source.exponent, toExponent: active.exponent, rateE8: rate.rateE8, feeBps: rate.feeBps });
  if (least === null) return `Nothing from your ${source.name} wallet would reach your ${active.name} wallet: the fee takes all of it.`;
  if (amount >= least) return null;
  return `Top up by at least ${formatWalletAmount(least, source)}: less comes to nothing in your ${active.name} wallet after the rate and fee.`;
}

/** What the automatic top-up sees after a settlement, read under the lock of the member's preferences row. */
export interface TopUpState {
  /** The active wallet's balance, in its minor units. */
  balance: bigint;
  threshold: bigint;
  armed: boolean;
  /** Automatic top-ups posted today (UTC, database clock). */
  postedToday: number;
  maxPerDay: number;
  /** The source wallet's balance and the amount the rule moves, both in the source's minor units. */
  sourceBalance: bigint;
  amount: bigint;
}

export type TopUpRefusal = "SHORT_OF_FUNDS" | "DAILY_LIMIT";

export type TopUpDecision =
  /** Nothing to do: above the threshold and armed, or below it and already fired (or refused) this crossing. */
  | { action: "none" }
  /** The balance is back at or above the threshold: the next crossing may fire. */
  | { action: "rearm" }
  /** Move the amount; `sequence` numbers it within the day (its idempotency key). Disarms. */
  | { action: "top_up"; sequence: number }
  /** No posting; the member is told once, since this disarms too. */
  | { action: "refuse"; reason: TopUpRefusal };

/**
 * Fires once per threshold crossing: when the balance is below the threshold and the rule is armed; every outcome
 * of a firing (a posting or a refusal) disarms it, and it re-arms only once the balance is seen at or above the
 * threshold again. The day's limit comes before the source's funds, so a member at the limit hears about the limit.
 */
export function decideTopUp(state: TopUpState): TopUpDecision {
  if (state.balance >= state.threshold) return state.armed ? { action: "none" } : { action: "rearm" };
  if (!state.armed) return { action: "none" };
  if (state.postedToday >= state.maxPerDay) return { action: "refuse", reason: "DAILY_LIMIT" };
  if (state.sourceBalance < state.amount) return { action: "refuse", reason: "SHORT_OF_FUNDS" };
  return { action: "top_up", sequence: state.postedToday + 1 };
}

/** The key of the day's n-th automatic top-up: one posting per member, day and number, whoever runs it. */
export function autoTopUpKey(userId: string, day: string, sequence: number): string {
  return `top-up:${userId}:${day}:${sequence}`;
}

export const TOP_UP_REFUSAL_WORDS: Record<TopUpRefusal, (source: string, maxPerDay: number) => string> = {
  SHORT_OF_FUNDS: (source) => `Automatic top-up didn't run: your ${source} wallet doesn't hold enough.`,
  DAILY_LIMIT: (_source, maxPerDay) => `Automatic top-up didn't run: it already ran ${maxPerDay} ${maxPerDay === 1 ? "time" : "times"} today.`,
};
