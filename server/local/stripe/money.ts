/** Minor-unit digits of a currency (2 for usd, 0 for jpy), from the platform's ISO 4217 data. */
export function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "$12.34" from 1234 usd, exactly: the decimal string is built from the integer, never through a float. */
export function formatAmount(amount: number, currency: string): string {
  const digits = fractionDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const padded = Math.abs(amount).toString().padStart(digits + 1, "0");
  const decimal = digits === 0 ? padded : `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
  try {
    const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format;
    return `${sign}${format(decimal as unknown as number)}`;
  } catch {
    return `${sign}${decimal} ${currency.toUpperCase()}`;
  }
}

/** Stripe's standard US pricing, so balance transactions carry a plausible fee and net. */
export function processingFee(amount: number, methodType: "card" | "us_bank_account"): number {
  if (methodType === "us_bank_account") return Math.min(Math.round((amount * 8) / 1000), 500);
  return Math.round((amount * 29) / 1000) + 30;
}

/** What Stripe charges for a dispute (withdrawn with the disputed amount, returned if the dispute is won). */
export const DISPUTE_FEE = 1500;
