import type { SaleKind } from "@/server/generated/prisma/enums";
import { DomainError } from "./errors";

const DAY_MS = 86_400_000;

export interface EarningsHoldPolicy {
  defaultDays: number;
  byKind: Partial<Record<SaleKind, number>>;
}

/** Days a performer's share of a sale of `kind` stays pending: the kind's own hold if the admin set one. */
export function holdDaysFor(policy: EarningsHoldPolicy, kind: SaleKind): number {
  return policy.byKind[kind] ?? policy.defaultDays;
}

export function maturesAt(soldAt: Date, holdDays: number): Date {
  return new Date(soldAt.getTime() + holdDays * DAY_MS);
}

export interface PendingLot {
  id: bigint;
  remaining: bigint;
}

export interface EarningsClawback {
  /** Taken from each lot, in the order given. */
  fromLots: { id: bigint; amount: bigint }[];
  /** Total taken from pending earnings (the sum of fromLots). */
  fromPending: bigint;
  /** What pending could not cover, taken from the Earnings wallet (which may go negative). */
  fromAvailable: bigint;
}

/**
 * A refund or chargeback takes the performer's share back from pending earnings first, lot by lot in the order
 * the caller ranks them (the refunded sale's own lot first), and only the rest from the Earnings wallet.
 */
export function planEarningsClawback(lots: readonly PendingLot[], amount: bigint): EarningsClawback {
  if (amount < 0n) throw new DomainError("BAD_REQUEST", "A clawback cannot be negative.");
  const fromLots: { id: bigint; amount: bigint }[] = [];
  let left = amount;
  for (const lot of lots) {
    if (left === 0n) break;
    if (lot.remaining <= 0n) continue;
    const take = lot.remaining < left ? lot.remaining : left;
    fromLots.push({ id: lot.id, amount: take });
    left -= take;
  }
  return { fromLots, fromPending: amount - left, fromAvailable: left };
}
