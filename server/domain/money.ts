/**
 * Money in whole integers: credits are whole units; fiat amounts are in minor units of their ISO 4217 currency.
 * Nothing here touches a float.
 */

const MINOR_UNIT_EXPONENT: Record<string, number> = { BIF: 0, CLP: 0, JPY: 0, KRW: 0, VND: 0, BHD: 3, KWD: 3, OMR: 3 };

export function minorUnitExponent(currency: string): number {
  return MINOR_UNIT_EXPONENT[currency.toUpperCase()] ?? 2;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** 1234n -> "1,234"; -5n -> "-5". */
export function formatCredits(credits: bigint): string {
  const sign = credits < 0n ? "-" : "";
  const magnitude = credits < 0n ? -credits : credits;
  return sign + groupThousands(magnitude.toString());
}

/** A signed amount for a history line: "+1,000" or "-25". */
export function formatSignedCredits(credits: bigint): string {
  return (credits > 0n ? "+" : "") + formatCredits(credits);
}

/** 123456n, "usd" -> "$1,234.56"; 500n, "jpy" -> "¥500". Symbols for the common currencies, else the code. */
export function formatMinor(amount: bigint, currency: string): string {
  const code = currency.toUpperCase();
  const exponent = minorUnitExponent(code);
  const sign = amount < 0n ? "-" : "";
  const magnitude = (amount < 0n ? -amount : amount).toString().padStart(exponent + 1, "0");
  const whole = groupThousands(magnitude.slice(0, magnitude.length - exponent));
  const fraction = exponent > 0 ? "." + magnitude.slice(magnitude.length - exponent) : "";
  const symbol = { USD: "$", EUR: "€", GBP: "£", JPY: "¥" }[code];
  return symbol ? `${sign}${symbol}${whole}${fraction}` : `${sign}${whole}${fraction} ${code}`;
}

/** Parses a whole, positive credit amount typed by a person ("1,000" or "250"); null when it is not one. */
export function parseCredits(text: string): bigint | null {
  const cleaned = text.trim().replace(/,/g, "");
  if (!/^\d{1,15}$/.test(cleaned)) return null;
  const value = BigInt(cleaned);
  return value > 0n ? value : null;
}

/** floor(numerator * multiplier / divisor) for non-negative integers. */
export function mulDivFloor(value: bigint, multiplier: bigint, divisor: bigint): bigint {
  if (divisor <= 0n) throw new RangeError("divisor must be positive");
  if (value < 0n || multiplier < 0n) throw new RangeError("amounts must be non-negative");
  return (value * multiplier) / divisor;
}
