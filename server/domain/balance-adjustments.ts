import { z } from "zod";
import { DomainError } from "./errors";
import { hasTooManyDecimals, parseUnits } from "./money";

/**
 * An admin's correction of one of a user's balances, shared by the admin form in the browser and the tRPC input,
 * so both check the same rules with the same messages. The amount is typed in the wallet's own currency units and
 * read with its exponent by `adjustmentAmount`; the service still refuses a debit the balance can't cover.
 */

/** Balances that are not wallets of a type: a performer's earnings still on hold, and credits held for a withdrawal. */
export const EARNINGS_STAGES = ["pending", "held"] as const;
export type EarningsStage = (typeof EARNINGS_STAGES)[number];

export function isEarningsStage(target: string): target is EarningsStage {
  return EARNINGS_STAGES.some((stage) => stage === target);
}

/** The largest adjustment, in minor units of the wallet's currency. */
export const ADJUSTMENT_LIMIT = 10n ** 12n;

export const balanceAdjustmentSchema = z.object({
  /** A wallet type id (credits, earnings, usd...) or one of EARNINGS_STAGES. */
  wallet: z.string().trim().min(1, "Choose a wallet.").max(32, "Choose a wallet."),
  /** Signed, in whole units of the wallet's currency: "25", "-12.50". Positive adds, negative removes. */
  amount: z
    .string()
    .trim()
    .regex(/^-?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$/, "Enter an amount like 25 or 12.50.")
    .max(24, "That amount is too large."),
  reason: z.string().trim().min(3, "Give a reason of at least 3 characters.").max(500),
});

export const adjustBalanceInputSchema = balanceAdjustmentSchema.extend({
  userId: z.uuid(),
  /** One per opening of the form, so a retried confirmation can't post twice. */
  idempotencyKey: z.uuid(),
});

/**
 * The signed amount in minor units, read with the wallet's exponent: ("-12.34", Dollars with 2) -> -1234n.
 * Refuses, in words naming the wallet, more decimals than its currency has, zero, and more than the limit.
 */
export function adjustmentAmount(text: string, wallet: { name: string; exponent: number }): bigint {
  const trimmed = text.trim();
  const negative = trimmed.startsWith("-");
  const magnitudeText = negative ? trimmed.slice(1) : trimmed;
  if (hasTooManyDecimals(magnitudeText, wallet.exponent)) {
    throw new DomainError(
      "BAD_REQUEST",
      wallet.exponent === 0 ? `${wallet.name} amounts are whole numbers.` : `${wallet.name} amounts have at most ${wallet.exponent} decimal${wallet.exponent === 1 ? "" : "s"}.`,
    );
  }
  const magnitude = parseUnits(magnitudeText, wallet.exponent);
  if (magnitude === null) throw new DomainError("BAD_REQUEST", "Enter an amount like 25 or 12.50.");
  if (magnitude === 0n) throw new DomainError("BAD_REQUEST", "An adjustment cannot be zero.");
  if (magnitude > ADJUSTMENT_LIMIT) throw new DomainError("BAD_REQUEST", "That amount is too large.");
  return negative ? -magnitude : magnitude;
}
