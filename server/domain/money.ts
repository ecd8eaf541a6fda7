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

/** An amount as typed, split at the decimal point; null when the text is not a plain decimal number. */
function decimalParts(text: string): { whole: string; fraction: string } | null {
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match?.[1]) return null;
  return { whole: match[1].replace(/,/g, ""), fraction: match[2] ?? "" };
}

/**
 * A non-negative amount typed in whole units of a currency with `exponent` decimals, as an integer of its minor
 * units: ("12.34", 2) -> 1234n, ("1,000", 0) -> 1000n. Null when it is not a number, has more decimals than the
 * currency allows, or is too long to be an amount (more than 15 whole digits).
 */
export function parseUnits(text: string, exponent: number): bigint | null {
  const parts = decimalParts(text);
  if (!parts || parts.whole.length > 15 || parts.fraction.length > exponent) return null;
  return BigInt(parts.whole) * 10n ** BigInt(exponent) + BigInt(parts.fraction.padEnd(exponent, "0") || "0");
}

/** True when the text is a number whose only fault is more decimals than `exponent`: the error worth naming. */
export function hasTooManyDecimals(text: string, exponent: number): boolean {
  const parts = decimalParts(text);
  return parts !== null && parts.fraction.length > exponent;
}

/** Minor units written in whole units with `exponent` decimals and thousands separators: (123456n, 2) -> "1,234.56". */
export function formatUnits(amount: bigint, exponent: number): string {
  const sign = amount < 0n ? "-" : "";
  const digits = (amount < 0n ? -amount : amount).toString().padStart(exponent + 1, "0");
  const whole = groupThousands(digits.slice(0, digits.length - exponent));
  return sign + whole + (exponent > 0 ? "." + digits.slice(digits.length - exponent) : "");
}

/** 1234n with exponent 2 -> "12.34", no grouping: for files a spreadsheet reads as numbers. */
export function plainUnits(amount: bigint, exponent: number): string {
  return formatUnits(amount, exponent).replace(/,/g, "");
}

/** How a wallet's currency is written: its code, its minor-unit exponent and, when known, its kind. */
export interface CurrencyFormat {
  currency: string;
  /** From the currencies table; when absent, 0 for site credits and the ISO 4217 exponent otherwise. */
  exponent?: number;
  currencyKind?: "CREDITS" | "POINTS" | "FIAT";
}

const SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£", JPY: "¥" };

/**
 * Any wallet amount as every page writes it: "1,250 credits", "40 points", "$12.34", "1,500.00 MXN". Exact, from
 * integers; one function, so a balance reads the same in the wallet, the room, the exchange and the admin's tables.
 */
export function formatWalletAmount(amount: bigint, format: CurrencyFormat): string {
  const code = format.currency.toUpperCase();
  const kind = format.currencyKind ?? (code === "CRD" ? "CREDITS" : "FIAT");
  const exponent = format.exponent ?? (kind === "FIAT" ? minorUnitExponent(code) : 0);
  const number = formatUnits(amount, exponent);
  const one = amount === 1n || amount === -1n;
  if (kind === "CREDITS") return `${number} ${one ? "credit" : "credits"}`;
  if (kind === "POINTS") return `${number} ${one ? "point" : "points"}`;
  const symbol = SYMBOLS[code];
  if (!symbol) return `${number} ${code}`;
  return number.startsWith("-") ? `-${symbol}${number.slice(1)}` : `${symbol}${number}`;
}

/** A signed amount for a history line: "+$1.50", "-25 credits". */
export function formatSignedWalletAmount(amount: bigint, format: CurrencyFormat): string {
  return (amount > 0n ? "+" : "") + formatWalletAmount(amount, format);
}
