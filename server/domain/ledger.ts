import { DomainError } from "./errors";
import { mulDivFloor } from "./money";

/** The site's credit currency in the ledger. */
export const CREDITS = "CRD";

/** A user's accounts by kind: `available` is the Credits wallet, `earnings` the Earnings wallet. */
export type UserAccountKind = "available" | "earnings" | "pending" | "held" | "tab";
export type SystemAccountKind =
  | "gateway_clearing"
  | "revenue"
  | "adjustments"
  | "payout_clearing"
  | "receivables"
  | "tab_receivable"
  | "bad_debt"
  | "fees"
  | "exchange";

/** Account codes, as the ledger migration creates them: one set per user, one per system purpose. */
export function userAccount(userId: string, kind: UserAccountKind, currency = CREDITS): string {
  return `user:${userId}:${kind}:${currency}`;
}

/** A user's wallet of any type, by the type's account kind and currency (server/domain/wallets.ts). */
export function walletAccount(userId: string, wallet: { accountKind: string; currency: string }): string {
  return `user:${userId}:${wallet.accountKind}:${wallet.currency}`;
}

export function systemAccount(kind: SystemAccountKind, currency = CREDITS): string {
  return `system:${kind}:${currency}`;
}

/** One side of a posting: a signed amount (positive raises the account's balance). */
export interface Leg {
  account: string;
  amount: bigint;
}

/** Refuses legs the database would refuse, before a round trip: fewer than two, a zero, or not summing to zero. */
export function assertBalanced(legs: readonly Leg[]): void {
  if (legs.length < 2) throw new DomainError("BAD_REQUEST", "A transaction needs at least two legs.");
  if (legs.some((leg) => leg.amount === 0n)) throw new DomainError("BAD_REQUEST", "A leg cannot be zero.");
  const total = legs.reduce((sum, leg) => sum + leg.amount, 0n);
  if (total !== 0n) throw new DomainError("BAD_REQUEST", "The legs of a transaction must sum to zero.");
}

/** The legs that undo a transaction: every entry negated. */
export function reversalLegs(entries: readonly Leg[]): Leg[] {
  return entries.map((entry) => ({ account: entry.account, amount: -entry.amount }));
}

/** Credits bought with a card move from gateway clearing into the member's wallet. */
export function purchaseLegs(userId: string, credits: bigint): Leg[] {
  if (credits <= 0n) throw new DomainError("BAD_REQUEST", "A purchase must credit a positive amount.");
  return [
    { account: systemAccount("gateway_clearing"), amount: -credits },
    { account: userAccount(userId, "available"), amount: credits },
  ];
}

/** Credits taken back after a refund or dispute go back to gateway clearing. */
export function clawbackLegs(userId: string, credits: bigint): Leg[] {
  if (credits <= 0n) throw new DomainError("BAD_REQUEST", "A clawback must take a positive amount.");
  return [
    { account: userAccount(userId, "available"), amount: -credits },
    { account: systemAccount("gateway_clearing"), amount: credits },
  ];
}

/** An admin adjustment: positive credits the user from the adjustments account, negative debits them to it. */
export function adjustmentLegs(userId: string, account: UserAccountKind, amount: bigint): Leg[] {
  if (amount === 0n) throw new DomainError("BAD_REQUEST", "An adjustment cannot be zero.");
  return [
    { account: userAccount(userId, account), amount },
    { account: systemAccount("adjustments"), amount: -amount },
  ];
}

/**
 * Credits that correspond to a share of a card payment: floor(credits x part / price). Refunds are cumulative
 * (Stripe reports the total refunded so far), so the credits to take back for a new refund total are the
 * difference between the shares of the new and the previous total; a stale, smaller total takes nothing.
 */
export function creditsForPaymentShare(credits: bigint, priceMinor: bigint, partMinor: bigint): bigint {
  if (partMinor <= 0n) return 0n;
  if (partMinor >= priceMinor) return credits;
  return mulDivFloor(credits, partMinor, priceMinor);
}

export function refundClawback(input: {
  credits: bigint;
  priceMinor: bigint;
  refundedBeforeMinor: bigint;
  refundedNowMinor: bigint;
}): bigint {
  const before = creditsForPaymentShare(input.credits, input.priceMinor, input.refundedBeforeMinor);
  const now = creditsForPaymentShare(input.credits, input.priceMinor, input.refundedNowMinor);
  return now > before ? now - before : 0n;
}

/** A sale paid from a member's wallet: the performer's share lands in pending earnings, the rest is revenue. */
export function saleLegs(memberId: string, performerId: string, split: { performer: bigint; platform: bigint }): Leg[] {
  const legs: Leg[] = [{ account: userAccount(memberId, "available"), amount: -(split.performer + split.platform) }];
  if (split.performer > 0n) legs.push({ account: userAccount(performerId, "pending"), amount: split.performer });
  if (split.platform > 0n) legs.push({ account: systemAccount("revenue"), amount: split.platform });
  return legs;
}
