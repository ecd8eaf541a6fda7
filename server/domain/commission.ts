import { DomainError } from "./errors";

/** Basis points: 10000 = 100%. */
export const FULL_SHARE_BPS = 10_000;

export interface SaleSplit {
  performer: bigint;
  platform: bigint;
  rateBps: number;
}

/**
 * The performer's share of a sale is floor(amount x rateBps / 10000); the platform takes the remainder, so the
 * two always add up to the amount and rounding never favours the performer by a fraction of a credit.
 */
export function splitSale(amount: bigint, performerShareBps: number): SaleSplit {
  if (amount <= 0n) throw new DomainError("BAD_REQUEST", "A sale must be for a positive amount.");
  if (!Number.isInteger(performerShareBps) || performerShareBps < 0 || performerShareBps > FULL_SHARE_BPS) {
    throw new DomainError("BAD_REQUEST", "A commission rate must be whole basis points between 0 and 10000.");
  }
  const performer = (amount * BigInt(performerShareBps)) / BigInt(FULL_SHARE_BPS);
  return { performer, platform: amount - performer, rateBps: performerShareBps };
}
