import { invalidRequest, noSuchResource } from "./errors";
import type { Context } from "./context";
import { newId, randomToken } from "./ids";

/** How a payment with this method ends; `settles_later` is a bank debit whose result arrives after a delay. */
export type PaymentBehaviour =
  | { kind: "succeeds" }
  | { kind: "declines"; code: string; declineCode: string; message: string }
  | { kind: "settles_later"; succeeds: boolean };

export interface TestPaymentMethod {
  id: string;
  type: "card" | "us_bank_account";
  brand: string;
  last4: string;
  fingerprint: string;
  behaviour: PaymentBehaviour;
  /** Stripe's `4000000000000341`: attaching to a customer succeeds although every charge declines. */
  attachesDespiteDeclines?: boolean;
  created: number;
  /** The Customer it is attached to; only then may it be used again. */
  customer: string | null;
  /**
   * Used on a PaymentIntent without being saved for a customer, or detached: Stripe refuses to use it again or
   * to attach it.
   */
  consumed: boolean;
}

type Spec = Pick<TestPaymentMethod, "type" | "brand" | "last4" | "behaviour" | "attachesDespiteDeclines">;

const GENERIC_DECLINE: PaymentBehaviour = {
  kind: "declines",
  code: "card_declined",
  declineCode: "generic_decline",
  message: "Your card was declined.",
};
const INSUFFICIENT_FUNDS: PaymentBehaviour = {
  kind: "declines",
  code: "card_declined",
  declineCode: "insufficient_funds",
  message: "Your card has insufficient funds.",
};
const EXPIRED_CARD: PaymentBehaviour = { kind: "declines", code: "expired_card", declineCode: "expired_card", message: "Your card has expired." };

/** How a saved card can start failing later (the `decline_charges` control): Stripe's decline codes and messages. */
export const LATER_DECLINES = {
  generic_decline: GENERIC_DECLINE,
  insufficient_funds: INSUFFICIENT_FUNDS,
  expired_card: EXPIRED_CARD,
} as const;

/** Stripe's test payment method tokens that the emulator understands, named as in Stripe's testing docs. */
export const TEST_PAYMENT_METHODS: Record<string, Spec> = {
  pm_card_visa: { type: "card", brand: "visa", last4: "4242", behaviour: { kind: "succeeds" } },
  pm_card_mastercard: { type: "card", brand: "mastercard", last4: "4444", behaviour: { kind: "succeeds" } },
  pm_card_amex: { type: "card", brand: "amex", last4: "8431", behaviour: { kind: "succeeds" } },
  pm_card_chargeDeclined: { type: "card", brand: "visa", last4: "0002", behaviour: GENERIC_DECLINE },
  pm_card_visa_chargeDeclined: { type: "card", brand: "visa", last4: "0002", behaviour: GENERIC_DECLINE },
  pm_card_chargeDeclinedInsufficientFunds: { type: "card", brand: "visa", last4: "9995", behaviour: INSUFFICIENT_FUNDS },
  pm_card_visa_chargeDeclinedInsufficientFunds: { type: "card", brand: "visa", last4: "9995", behaviour: INSUFFICIENT_FUNDS },
  pm_card_chargeDeclinedExpiredCard: { type: "card", brand: "visa", last4: "0069", behaviour: EXPIRED_CARD },
  pm_card_chargeCustomerFail: { type: "card", brand: "visa", last4: "0341", behaviour: GENERIC_DECLINE, attachesDespiteDeclines: true },
  pm_usBankAccount_success: {
    type: "us_bank_account",
    brand: "us_bank_account",
    last4: "6789",
    behaviour: { kind: "settles_later", succeeds: true },
  },
  pm_usBankAccount_accountClosed: {
    type: "us_bank_account",
    brand: "us_bank_account",
    last4: "0004",
    behaviour: { kind: "settles_later", succeeds: false },
  },
};

/**
 * A test token (`pm_card_visa`) becomes a fresh `pm_…` id, as in Stripe test mode; an id the emulator issued
 * earlier is reused as is.
 */
export function resolvePaymentMethod(ctx: Context, idOrToken: string, param = "payment_method"): TestPaymentMethod {
  const spec = TEST_PAYMENT_METHODS[idOrToken];
  if (spec) {
    return ctx.store.paymentMethods.add({
      ...spec,
      id: newId("pm"),
      fingerprint: randomToken(16),
      created: ctx.clock.now(),
      customer: null,
      consumed: false,
    });
  }
  const known = ctx.store.paymentMethods.get(idOrToken);
  if (known) return known;
  if (!idOrToken.startsWith("pm_")) {
    throw invalidRequest(`Invalid payment_method: the emulator accepts pm_… ids and Stripe's test tokens (pm_card_visa, …)`, { param });
  }
  throw noSuchResource("PaymentMethod", idOrToken, param);
}
