import { z } from "zod";
import { formatMinor } from "./money";
import { storableBigint } from "./storable";

/**
 * What a credit package may be, shared by the admin form in the browser and the tRPC input, so both check the same
 * rules. The service keeps its own limits on top (price range, bonus cap) and answers with domain errors.
 */

/**
 * Currencies a package may be priced in: the card currencies the shop takes through Stripe Checkout. Whatever the
 * currency, a package buys site credits (ledger currency CRD); only the card payment is in it.
 */
export const PACKAGE_CURRENCIES = ["usd", "eur"] as const;
export type PackageCurrency = (typeof PACKAGE_CURRENCIES)[number];

export const PACKAGE_CURRENCY_NAMES: Record<PackageCurrency, string> = { usd: "US dollars", eur: "Euros" };

export const UNSUPPORTED_CURRENCY_MESSAGE = `Packages can be priced in ${PACKAGE_CURRENCIES.map((code) => code.toUpperCase()).join(" or ")} only.`;

export function isPackageCurrency(value: string): value is PackageCurrency {
  return PACKAGE_CURRENCIES.some((currency) => currency === value);
}

/** Stripe amounts travel as JSON numbers; keep prices where that is exact, and out of absurd ranges. */
export const MIN_PRICE_MINOR = 50n;
export const MAX_PRICE_MINOR = 100_000_00n;

/** Why a price can't be a package's price in its currency, or null when it can. */
export function packagePriceProblem(priceMinor: bigint, currency: PackageCurrency): string | null {
  if (priceMinor >= MIN_PRICE_MINOR && priceMinor <= MAX_PRICE_MINOR) return null;
  return `The price must be between ${formatMinor(MIN_PRICE_MINOR, currency)} and ${formatMinor(MAX_PRICE_MINOR, currency)}.`;
}

const packageFields = z.object({
  name: z.string().trim().min(2).max(60),
  credits: storableBigint(z.bigint().positive()),
  bonusCredits: storableBigint(z.bigint().nonnegative()),
  priceMinor: storableBigint(z.bigint().positive()),
  currency: z.enum(PACKAGE_CURRENCIES, { error: UNSUPPORTED_CURRENCY_MESSAGE }),
  active: z.boolean(),
  sortOrder: z.number().int().min(0).max(1000),
});

function checkPriceInItsCurrency(input: { priceMinor: bigint; currency: PackageCurrency }, ctx: z.RefinementCtx): void {
  const problem = packagePriceProblem(input.priceMinor, input.currency);
  if (problem) ctx.addIssue({ code: "custom", path: ["priceMinor"], message: problem });
}

export const packageInputSchema = packageFields.superRefine(checkPriceInItsCurrency);

export const updatePackageSchema = packageFields.extend({ id: z.uuid() }).superRefine(checkPriceInItsCurrency);

/** Packages as the shop shows them: one group per currency, in the order the packages came (sort order, then price). */
export function groupByCurrency<T extends { currency: string }>(packages: readonly T[]): { currency: string; packages: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const pack of packages) {
    const group = groups.get(pack.currency);
    if (group) group.push(pack);
    else groups.set(pack.currency, [pack]);
  }
  return [...groups].map(([currency, members]) => ({ currency, packages: members }));
}
