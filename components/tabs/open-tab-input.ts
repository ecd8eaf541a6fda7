import { z } from "zod";
import { formatMinor, minorUnitExponent, parseUnits, plainUnits } from "@/server/domain/money";

/** What the opening dialog checks before asking the server, which checks the same again (server/domain/tabs.ts). */
export interface OpenTabBounds {
  minLimitMinor: bigint;
  maxLimitMinor: bigint;
  currency: string;
  creditPriceMinor: bigint;
}

/** The presets offered, within the bounds: $20, $50, $100, $200 when the site allows them. */
export function limitPresets(bounds: OpenTabBounds): bigint[] {
  const unit = 10n ** BigInt(minorUnitExponent(bounds.currency));
  return [20n, 50n, 100n, 200n]
    .map((whole) => whole * unit)
    .filter((minor) => minor >= bounds.minLimitMinor && minor <= bounds.maxLimitMinor && minor % bounds.creditPriceMinor === 0n);
}

/** A limit as the field shows it: "20", "50.50" (whole amounts without decimals). */
export function limitText(minor: bigint, currency: string): string {
  return plainUnits(minor, minorUnitExponent(currency)).replace(/\.0+$/, "");
}

/** A limit as typed ("20", "$50.00") read into minor units, or the problem with it in words. */
export function readLimit(text: string, bounds: OpenTabBounds): { minor: bigint } | { problem: string } {
  const exponent = minorUnitExponent(bounds.currency);
  const minor = parseUnits(text.trim().replace(/^\$/, ""), exponent);
  const range = `between ${formatMinor(bounds.minLimitMinor, bounds.currency)} and ${formatMinor(bounds.maxLimitMinor, bounds.currency)}`;
  if (text.trim() === "") return { problem: `Enter a limit ${range}.` };
  if (minor === null) return { problem: `Enter an amount such as 20 or 50.00, ${range}.` };
  if (minor < bounds.minLimitMinor || minor > bounds.maxLimitMinor) return { problem: `A tab's limit must be ${range}.` };
  if (minor % bounds.creditPriceMinor !== 0n) {
    return { problem: `Choose a limit that buys whole credits at ${formatMinor(bounds.creditPriceMinor, bounds.currency)} each.` };
  }
  return { minor };
}

/** The dialog's one field, checked against the bounds; its output is the text the server reads again. */
export function openTabFormSchema(bounds: OpenTabBounds) {
  return z.object({
    limit: z.string().superRefine((text, ctx) => {
      const read = readLimit(text, bounds);
      if ("problem" in read) ctx.addIssue({ code: "custom", message: read.problem });
    }),
  });
}
