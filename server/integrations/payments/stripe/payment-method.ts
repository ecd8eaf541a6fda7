import "server-only";
import type Stripe from "stripe";

const BRANDS: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  diners: "Diners Club",
  jcb: "JCB",
  unionpay: "UnionPay",
};

/** How a receipt names what paid, from a charge's payment method details; null if they say nothing usable. */
export function describePaymentMethod(details: Stripe.Charge.PaymentMethodDetails | null | undefined): string | null {
  if (details?.card?.last4) return `${BRANDS[details.card.brand ?? ""] ?? "Card"} ending in ${details.card.last4}`;
  if (details?.us_bank_account?.last4) return `Bank account ending in ${details.us_bank_account.last4}`;
  return null;
}
