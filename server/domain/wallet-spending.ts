import { z } from "zod";
import { DomainError } from "./errors";
import { formatCredits } from "./money";
import { type PaymentSplit, splitPayment, walletCap } from "./store";
import { type WalletRules, assertMayPay, mayPay, storeShareLimit } from "./wallets";
import type { WalletPurpose } from "@/server/generated/prisma/enums";

/**
 * Spending from a wallet the member chose: which of their wallets may pay for something, how a store order
 * splits between a capped wallet and the card, and which wallet a membership renewal charges.
 */

/** The optional choice of wallet in a paying use case's input (a wallet type id); omitted means Credits. */
export const walletChoiceSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,31}$/, "There is no such wallet.")
  .optional();

/** The wallets that may pay for `purpose`, in the order given (pages offer a choice only when there are two). */
export function payingWallets<W extends WalletRules>(wallets: readonly W[], purpose: WalletPurpose): W[] {
  return wallets.filter((wallet) => mayPay(wallet, purpose));
}

/** The most of an order's total the wallet may pay: the lower of the store's own cap and the wallet's share cap. */
export function storeWalletMax(total: bigint, wallet: WalletRules, maxWalletShareBps: number): bigint {
  const siteCap = walletCap(total, maxWalletShareBps);
  const walletLimit = storeShareLimit(wallet, total);
  return walletLimit < siteCap ? walletLimit : siteCap;
}

/**
 * Splits a store order paid from `wallet`: `walletPart` credits from it (the whole total when omitted), the rest
 * by card. Refused, in words naming the wallet, when its rules leave the store out or the part is above its cap;
 * the store's own cap is splitPayment's to refuse, with its own words.
 */
export function splitStoreOrder(input: {
  total: bigint;
  walletPart?: bigint;
  wallet: WalletRules;
  maxWalletShareBps: number;
  creditPriceMinor: bigint;
}): PaymentSplit {
  const { total, wallet } = input;
  assertMayPay(wallet, "STORE");
  const walletPart = input.walletPart ?? total;
  const walletLimit = storeShareLimit(wallet, total);
  if (walletPart > walletLimit && walletLimit < walletCap(total, input.maxWalletShareBps)) {
    throw new DomainError(
      "BAD_REQUEST",
      walletLimit === 0n
        ? `Your ${wallet.name} wallet cannot pay any of this order.`
        : `Your ${wallet.name} wallet can pay at most ${formatCredits(walletLimit)} credits of this order.`,
      { fieldErrors: { walletPart: [`At most ${formatCredits(walletLimit)} credits from ${wallet.name}.`] }, reason: "WALLET_SHARE_CAP" },
    );
  }
  return splitPayment({ total, walletPart, maxWalletShareBps: input.maxWalletShareBps, creditPriceMinor: input.creditPriceMinor });
}

/**
 * The wallet a membership renewal charges: the one the member joined with while it may still pay for
 * memberships; Credits once that wallet type was deactivated or its rules no longer include memberships, so a
 * rule change by an admin doesn't end memberships the member is still able to pay for.
 */
export function renewalWallet<W extends WalletRules>(startedWith: W, credits: W): { wallet: W; fellBack: boolean } {
  return mayPay(startedWith, "MEMBERSHIPS") ? { wallet: startedWith, fellBack: false } : { wallet: credits, fellBack: true };
}
