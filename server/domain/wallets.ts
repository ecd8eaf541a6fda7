import { DomainError } from "./errors";
import { CREDITS } from "./ledger";
import { formatCredits, mulDivFloor } from "./money";
import type { SaleKind, WalletPurpose } from "@/server/generated/prisma/enums";

/**
 * Wallet rules as pure functions: what a wallet may pay for, how much of a store order it may cover, and the
 * exchange between two wallets with its rounding. The SQL that posts (ledger_sale's TM030 check, the exchange
 * posting) applies these same rules; the tests here are the reference.
 */

export const WALLET_PURPOSES = ["TIPS", "SHOWS", "CONTENT", "MEMBERSHIPS", "STORE", "PAYMENT_REQUESTS"] as const satisfies readonly WalletPurpose[];

export const PURPOSE_WORDS: Record<WalletPurpose, string> = {
  TIPS: "tips",
  SHOWS: "private and group shows",
  CONTENT: "paid content",
  MEMBERSHIPS: "memberships",
  STORE: "store orders",
  PAYMENT_REQUESTS: "payment requests",
};

/** The built-in wallet types the platform's money rules rely on. */
export const CREDITS_WALLET = "credits";
/** The card tab wallet (server/services/tabs): funded only by a card authorisation, never adjusted, moved into or out of. */
export const CARD_TAB_WALLET = "tab";
export const EARNINGS_WALLET = "earnings";

export interface WalletRules {
  id: string;
  name: string;
  currency: string;
  /** The middle of the wallet's account code: user:<id>:<accountKind>:<currency>. */
  accountKind: string;
  paysFor: readonly WalletPurpose[];
  transferable: boolean;
  withdrawable: boolean;
  storeShareCapBps: number;
  exchangeIn: boolean;
  exchangeOut: boolean;
  active: boolean;
}

export function purposeOfSale(kind: SaleKind): WalletPurpose {
  switch (kind) {
    case "TIP":
      return "TIPS";
    case "PRIVATE_SHOW":
    case "GROUP_SHOW":
      return "SHOWS";
    case "CONTENT":
      return "CONTENT";
    case "MEMBERSHIP":
      return "MEMBERSHIPS";
    case "STORE":
      return "STORE";
    case "PAYMENT_REQUEST_SERVICE":
    case "PAYMENT_REQUEST_GOODS":
      return "PAYMENT_REQUESTS";
  }
}

/** Sales are priced in credits, so only an active credit-currency wallet whose rules list the purpose may pay. */
export function mayPay(wallet: WalletRules, purpose: WalletPurpose): boolean {
  return wallet.active && wallet.currency === CREDITS && wallet.paysFor.includes(purpose);
}

export function assertMayPay(wallet: WalletRules, purpose: WalletPurpose): void {
  if (!wallet.active) throw new DomainError("PRECONDITION_FAILED", `The ${wallet.name} wallet is not in use any more.`);
  if (!mayPay(wallet, purpose)) throw new DomainError("FORBIDDEN", `Your ${wallet.name} wallet cannot pay for ${PURPOSE_WORDS[purpose]}.`);
}

export function assertMayTransfer(wallet: WalletRules): void {
  if (!wallet.active || !wallet.transferable || wallet.currency !== CREDITS) {
    throw new DomainError("FORBIDDEN", `Credits in your ${wallet.name} wallet cannot be sent to other members.`);
  }
}

export function assertMayWithdraw(wallet: WalletRules): void {
  if (!wallet.active || !wallet.withdrawable) throw new DomainError("FORBIDDEN", `The ${wallet.name} wallet cannot be withdrawn.`);
}

/** The most a wallet may pay of a store order: floor(total x cap), so a cap never lets it pay a credit more. */
export function storeShareLimit(wallet: WalletRules, orderTotal: bigint): bigint {
  if (!mayPay(wallet, "STORE")) return 0n;
  return mulDivFloor(orderTotal, BigInt(wallet.storeShareCapBps), 10_000n);
}

/** What a wallet is for, in plain words, for the wallet page and the admin's list. */
export function describeUses(wallet: WalletRules): string[] {
  const lines: string[] = [];
  const pays = WALLET_PURPOSES.filter((purpose) => mayPay(wallet, purpose)).map((purpose) => PURPOSE_WORDS[purpose]);
  if (pays.length > 0) lines.push(`Pays for ${listInWords(pays)}.`);
  else lines.push(wallet.currency === CREDITS ? "Cannot be spent directly." : `Holds ${wallet.currency}; exchange it into credits to spend it.`);
  if (mayPay(wallet, "STORE") && wallet.storeShareCapBps < 10_000) {
    lines.push(`Covers at most ${formatBps(wallet.storeShareCapBps)} of a store order.`);
  }
  lines.push(wallet.transferable && wallet.currency === CREDITS ? "Can be sent to other members." : "Cannot be sent to other members.");
  lines.push(wallet.withdrawable ? "Can be withdrawn to your bank." : "Cannot be withdrawn.");
  if (wallet.exchangeIn && wallet.exchangeOut) lines.push("You can exchange into and out of it.");
  else if (wallet.exchangeIn) lines.push("You can exchange into it, not out of it.");
  else if (wallet.exchangeOut) lines.push("You can exchange out of it, not into it.");
  return lines;
}

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function formatBps(bps: number): string {
  return `${bps / 100}%`;
}

/** Rates are whole units of the target per whole unit of the source, times 10^8. */
export const RATE_SCALE = 100_000_000n;

export interface ExchangeTerms {
  amount: bigint;
  fromExponent: number;
  toExponent: number;
  rateE8: bigint;
  feeBps: number;
}

export interface ExchangeQuote {
  /** Taken from the source wallet. */
  amount: bigint;
  /** The fee, in the source currency, rounded up. */
  fee: bigint;
  /** What is converted: amount - fee. */
  net: bigint;
  /** Credited to the destination wallet, in its minor units, rounded down. */
  result: bigint;
}

/**
 * An exchange, rounding always in the platform's favour: the fee rounds up, the converted amount rounds down, and
 * whatever a rounding keeps stays in the source currency's exchange account. Same-currency moves use rateE8 = 10^8.
 * Refuses amounts that are not positive, and amounts too small to credit anything.
 */
export function quoteExchange(terms: ExchangeTerms): ExchangeQuote {
  if (terms.amount <= 0n) throw new DomainError("BAD_REQUEST", "Exchange a positive amount.");
  if (terms.rateE8 <= 0n) throw new DomainError("PRECONDITION_FAILED", "This exchange rate is not usable.");
  if (terms.feeBps < 0 || terms.feeBps > 10_000) throw new DomainError("PRECONDITION_FAILED", "This exchange fee is not usable.");
  const fee = ceilDiv(terms.amount * BigInt(terms.feeBps), 10_000n);
  const net = terms.amount - fee;
  const result = mulDivFloor(net, terms.rateE8 * 10n ** BigInt(terms.toExponent), RATE_SCALE * 10n ** BigInt(terms.fromExponent));
  if (result <= 0n) throw new DomainError("BAD_REQUEST", "That amount is too small to exchange: it would come to nothing after the rate and fee.");
  return { amount: terms.amount, fee, net, result };
}

/**
 * The least amount quoteExchange turns into something: one minor unit of the target after the fee and the rate;
 * null when no amount does (a fee of 100%). Closed form of quoteExchange's rounding, so a rule saved now (an
 * automatic top-up's amount) can be refused in words before it ever fires: net = floor(amount x (1 - fee)) must
 * reach ceil(10^fromExponent x 10^8 / (rate x 10^toExponent)).
 */
export function smallestExchangeAmount(terms: Omit<ExchangeTerms, "amount">): bigint | null {
  if (terms.rateE8 <= 0n || terms.feeBps < 0 || terms.feeBps >= 10_000) return null;
  const leastNet = ceilDiv(RATE_SCALE * 10n ** BigInt(terms.fromExponent), terms.rateE8 * 10n ** BigInt(terms.toExponent));
  return ceilDiv(leastNet * 10_000n, 10_000n - BigInt(terms.feeBps));
}

function ceilDiv(value: bigint, divisor: bigint): bigint {
  return (value + divisor - 1n) / divisor;
}

/** A quote is honoured for ttlSeconds after it was made, by the database's clock. */
export function isQuoteFresh(quotedAt: Date, now: Date, ttlSeconds: number): boolean {
  const age = now.getTime() - quotedAt.getTime();
  return age >= 0 && age <= ttlSeconds * 1000;
}

/** "1 CRD = 0.09 USD" from a rate, with up to 8 decimals and no trailing zeros. */
export function formatRate(rateE8: bigint, from: string, to: string): string {
  const whole = rateE8 / RATE_SCALE;
  const fraction = (rateE8 % RATE_SCALE).toString().padStart(8, "0").replace(/0+$/, "");
  return `1 ${from} = ${formatCredits(whole)}${fraction ? `.${fraction}` : ""} ${to}`;
}

/** Parses "0.09" or "10" into a rate times 10^8; null when it is not a positive number with at most 8 decimals. */
export function parseRate(text: string): bigint | null {
  const match = /^(\d{1,12})(?:\.(\d{1,8}))?$/.exec(text.trim());
  if (!match) return null;
  const rate = BigInt(match[1] ?? "0") * RATE_SCALE + BigInt((match[2] ?? "").padEnd(8, "0") || "0");
  return rate > 0n ? rate : null;
}
