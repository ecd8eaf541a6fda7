import { z } from "zod";
import { DomainError } from "./errors";
import { hasTooManyDecimals, parseUnits } from "./money";
import { storableDate } from "./storable";
import { RATE_SCALE, parseRate } from "./wallets";

/**
 * Exchanges between a member's wallets, at the edge: amounts typed in a currency's units, amounts shown in them,
 * and what an admin types to add a rate. The rounding of the exchange itself is quoteExchange in ./wallets.
 */

/** The largest amount, in minor units, a member may exchange at once: well inside a BIGINT after the rate's scaling. */
export const MAX_EXCHANGE_MINOR = 10n ** 15n;

export type ParsedAmount = { ok: true; amount: bigint } | { ok: false; error: string };

/**
 * "12.34" in a currency with exponent 2 -> 1234 minor units (parseUnits). Thousands separators are allowed; more
 * decimals than the currency has, signs, exponents and zero are refused with a message saying which.
 */
export function parseAmount(text: string, exponent: number): ParsedAmount {
  if (hasTooManyDecimals(text, exponent)) {
    return { ok: false, error: exponent === 0 ? "Enter a whole number: this currency has no decimals." : `Enter at most ${exponent} decimal${exponent === 1 ? "" : "s"}.` };
  }
  const amount = parseUnits(text, exponent);
  if (amount === null) return { ok: false, error: "Enter an amount such as 12 or 12.50." };
  if (amount <= 0n) return { ok: false, error: "Enter an amount above zero." };
  if (amount > MAX_EXCHANGE_MINOR) return { ok: false, error: "That amount is too large." };
  return { ok: true, amount };
}

/** The amount a member typed, or a BAD_REQUEST naming what is wrong with it. */
export function amountFromText(text: string, exponent: number): bigint {
  const parsed = parseAmount(text, exponent);
  if (!parsed.ok) throw new DomainError("BAD_REQUEST", parsed.error);
  return parsed.amount;
}

/** A rate times 10^8 back as the decimal text parseRate reads: 9_000_000n -> "0.09". */
export function rateDecimal(rateE8: bigint): string {
  const fraction = (rateE8 % RATE_SCALE).toString().padStart(8, "0").replace(/0+$/, "");
  return `${rateE8 / RATE_SCALE}${fraction ? `.${fraction}` : ""}`;
}

/** What the member asks to be quoted. The amount stays text: only the source wallet's currency says how to read it. */
export const exchangeQuoteInputSchema = z.object({
  fromWalletTypeId: z.string().trim().min(1, "Choose the wallet to exchange from.").max(64),
  toWalletTypeId: z.string().trim().min(1, "Choose the wallet to exchange into.").max(64),
  amount: z.string().trim().min(1, "Enter an amount.").max(40, "That amount is too long."),
});
export type ExchangeQuoteInput = z.input<typeof exchangeQuoteInputSchema>;

export const confirmExchangeInputSchema = z.object({
  quoteId: z.uuid("That quote does not exist."),
  idempotencyKey: z.string().min(8).max(100),
});

const currencyCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2,8}$/, "Choose a currency.");

/** One unit buying at most a million of another keeps every result far inside a BIGINT. */
export const MAX_RATE_E8 = 1_000_000n * RATE_SCALE;

/** The most of an exchange a fee may take, as the exchange_rates table allows. */
export const MAX_EXCHANGE_FEE_BPS = 5_000;

/** A new exchange rate as an admin gives it; the rate arrives as decimal text so no float ever holds it. */
export const addExchangeRateSchema = z
  .object({
    fromCurrency: currencyCode,
    toCurrency: currencyCode,
    rate: z
      .string()
      .trim()
      .transform((text, ctx) => {
        const rateE8 = parseRate(text);
        if (rateE8 === null || rateE8 > MAX_RATE_E8) {
          ctx.addIssue({ code: "custom", message: "Enter the rate as a positive number up to 1,000,000 with at most 8 decimals, such as 0.09." });
          return z.NEVER;
        }
        return rateE8;
      }),
    feeBps: z
      .number({ error: "Enter the fee as a percentage." })
      .int("Enter the fee with at most two decimals.")
      .min(0, "A fee cannot be negative.")
      .max(MAX_EXCHANGE_FEE_BPS, "A fee may be at most 50%."),
    /** Absent: from now. A rate never starts in the past: past exchanges keep the rate they were posted with. */
    effectiveFrom: storableDate().optional(),
  })
  .refine((input) => input.fromCurrency !== input.toCurrency || input.rate === RATE_SCALE, {
    message: "A rate within one currency is 1; it only sets the fee for moves between wallets of that currency.",
    path: ["rate"],
  });
export type AddExchangeRateInput = z.input<typeof addExchangeRateSchema>;
export type AddExchangeRate = z.output<typeof addExchangeRateSchema>;
