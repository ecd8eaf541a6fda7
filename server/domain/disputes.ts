import { DomainError } from "./errors";
import { mulDivFloor } from "./money";

/**
 * Who bears a lost card payment. When the card payment behind bought credits is disputed, Stripe takes the money
 * back at once; the credits it bought are taken back in this order:
 *
 * 1. from what the buyer still holds (their available credits);
 * 2. from the sales the buyer made with those credits since the purchase, oldest first (the credits they bought
 *    were spent on what came next), up to the part of each sale paid from the wallet and not already taken by
 *    another dispute. Of the part of a sale taken:
 *    - the performer's share (at the sale's own split) comes out of their pending earnings for that sale, while
 *      it is still in the hold: that is what the hold is for;
 *    - whatever of that share has already matured (available, or withdrawn) is borne by the platform, as is the
 *      platform's own commission on it;
 * 3. what no sale accounts for (credits transferred away, say) stays with the buyer as debt: their wallet goes
 *    negative and is restricted until it is settled.
 *
 * Pure: the caller loads the buyer's balance, the sales and their lots, and posts the plan as one transaction.
 */

export interface DisputedSale {
  saleId: bigint;
  /** Null for a sale by the site itself: all of it was revenue. */
  performerId: string | null;
  /** What the sale cost in all, and the performer's share of that (its split as posted). */
  amount: bigint;
  performerShare: bigint;
  /** The part of the sale paid from the buyer's wallet that no earlier dispute has taken yet. */
  takeable: bigint;
  /** The sale's earnings lot: what of the performer's share is still pending in the hold. Null when none. */
  lot: { id: bigint; remaining: bigint } | null;
}

export interface SaleReversal {
  saleId: bigint;
  performerId: string | null;
  lotId: bigint | null;
  /** The part of the sale this dispute accounts for. */
  taken: bigint;
  /** Taken back from the performer's pending earnings (the lot). */
  fromPending: bigint;
  /** Borne by the platform: its commission on the part taken. */
  platformCommission: bigint;
  /** Borne by the platform: the performer's share that had already left the hold. */
  platformMatured: bigint;
}

export interface DisputeLossPlan {
  /** Taken from the buyer's available credits, which covered it. */
  fromBuyer: bigint;
  sales: SaleReversal[];
  /** Taken from the buyer beyond what they hold: their wallet goes negative by this much. */
  buyerDebt: bigint;
  /** Totals of the sales' parts, for the posting. */
  platformCommission: bigint;
  platformMatured: bigint;
  /** Per performer, the total taken from their pending earnings. */
  fromPerformers: Map<string, bigint>;
}

export function planDisputeLoss(input: { disputedCredits: bigint; buyerAvailable: bigint; sales: readonly DisputedSale[] }): DisputeLossPlan {
  if (input.disputedCredits < 0n) throw new DomainError("BAD_REQUEST", "A disputed amount cannot be negative.");
  const fromBuyer = min(input.disputedCredits, input.buyerAvailable > 0n ? input.buyerAvailable : 0n);
  let left = input.disputedCredits - fromBuyer;
  const sales: SaleReversal[] = [];
  const fromPerformers = new Map<string, bigint>();
  let platformCommission = 0n;
  let platformMatured = 0n;
  for (const sale of input.sales) {
    if (left === 0n) break;
    const taken = min(left, sale.takeable > 0n ? sale.takeable : 0n);
    if (taken === 0n) continue;
    left -= taken;
    const share = sale.performerId && sale.amount > 0n ? mulDivFloor(taken, min(sale.performerShare, sale.amount), sale.amount) : 0n;
    const fromPending = min(share, sale.lot && sale.lot.remaining > 0n ? sale.lot.remaining : 0n);
    const reversal: SaleReversal = {
      saleId: sale.saleId,
      performerId: sale.performerId,
      lotId: fromPending > 0n && sale.lot ? sale.lot.id : null,
      taken,
      fromPending,
      platformCommission: taken - share,
      platformMatured: share - fromPending,
    };
    sales.push(reversal);
    platformCommission += reversal.platformCommission;
    platformMatured += reversal.platformMatured;
    if (sale.performerId && fromPending > 0n) fromPerformers.set(sale.performerId, (fromPerformers.get(sale.performerId) ?? 0n) + fromPending);
  }
  return { fromBuyer, sales, buyerDebt: left, platformCommission, platformMatured, fromPerformers };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
