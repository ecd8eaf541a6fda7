/**
 * Whether what Stripe says was paid is what we stored for the purchase or order it names. A webhook's object
 * is re-read from Stripe, and its metadata only says which row it claims; the row's own session, amount and
 * currency must agree before anything is credited or taken back.
 */

export interface PaymentFacts {
  /** The Checkout Session; null when the row has none stored yet (the answer that created it was lost). */
  checkoutSessionId: string | null;
  amountMinor: bigint;
  currency: string;
}

export type PaymentField = "checkoutSessionId" | "amountMinor" | "currency";

/** The fields where Stripe's payment differs from the stored one; empty when they agree. */
export function paymentMismatches(stored: PaymentFacts, atStripe: PaymentFacts): PaymentField[] {
  const fields: PaymentField[] = [];
  if (stored.checkoutSessionId !== null && atStripe.checkoutSessionId !== null && stored.checkoutSessionId !== atStripe.checkoutSessionId) {
    fields.push("checkoutSessionId");
  }
  if (stored.amountMinor !== atStripe.amountMinor) fields.push("amountMinor");
  if (stored.currency.toLowerCase() !== atStripe.currency.toLowerCase()) fields.push("currency");
  return fields;
}
