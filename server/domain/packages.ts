import { z } from "zod";
import { storableBigint } from "./storable";

/**
 * What a credit package may be, shared by the admin form in the browser and the tRPC input, so both check the same
 * rules. The service keeps its own limits on top (price range, bonus cap) and answers with domain errors.
 */

/** Currencies a package may be priced in (Stripe Checkout currencies with a two-decimal minor unit). */
export const PACKAGE_CURRENCIES = ["usd", "eur", "gbp"] as const;
export type PackageCurrency = (typeof PACKAGE_CURRENCIES)[number];

export const packageInputSchema = z.object({
  name: z.string().trim().min(2).max(60),
  credits: storableBigint(z.bigint().positive()),
  bonusCredits: storableBigint(z.bigint().nonnegative()),
  priceMinor: storableBigint(z.bigint().positive()),
  currency: z.enum(PACKAGE_CURRENCIES),
  active: z.boolean(),
  sortOrder: z.number().int().min(0).max(1000),
});

export const updatePackageSchema = packageInputSchema.extend({ id: z.uuid() });
