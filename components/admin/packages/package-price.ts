import { minorUnitExponent } from "@/server/domain/money";

/**
 * A price typed in major units ("9.99", "1,250") as exact minor units (999n, 125000n) by string arithmetic:
 * no float ever holds it. Null when it is not a plain non-negative amount with at most the currency's decimals.
 */
export function parseMajorUnits(text: string, currency: string): bigint | null {
  const exponent = minorUnitExponent(currency);
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text.trim().replace(/,/g, ""));
  if (!match?.[1]) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > exponent) return null;
  return BigInt(match[1]) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
}

/** Minor units back to what a person would type: 999n, "usd" -> "9.99". */
export function formatMajorUnits(amount: bigint, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const digits = amount.toString().padStart(exponent + 1, "0");
  return exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
