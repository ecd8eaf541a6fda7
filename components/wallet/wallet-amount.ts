import { formatCredits } from "@/server/domain/money";
import type { CurrencyKind } from "@/server/generated/prisma/enums";

/** How a wallet's currency is written: its kind and code, and its minor-unit exponent from the currencies table. */
export interface WalletCurrency {
  currency: string;
  currencyKind: CurrencyKind;
  exponent: number;
}

const SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£", JPY: "¥" };

/** A wallet's amount as people read it: 1,250 credits, 40 points, $12.34, 1,500.00 MXN. Exact, from integers. */
export function formatWalletAmount(amount: bigint, wallet: WalletCurrency): string {
  if (wallet.currencyKind === "CREDITS") return `${formatCredits(amount)} ${amount === 1n || amount === -1n ? "credit" : "credits"}`;
  if (wallet.currencyKind === "POINTS") return `${formatCredits(amount)} ${amount === 1n || amount === -1n ? "point" : "points"}`;
  return formatFiat(amount, wallet.currency, wallet.exponent);
}

/** A signed amount for a history line: "+$1.50", "-25 credits". */
export function formatSignedWalletAmount(amount: bigint, wallet: WalletCurrency): string {
  return (amount > 0n ? "+" : "") + formatWalletAmount(amount, wallet);
}

function formatFiat(amount: bigint, code: string, exponent: number): string {
  const sign = amount < 0n ? "-" : "";
  const digits = (amount < 0n ? -amount : amount).toString().padStart(exponent + 1, "0");
  const whole = formatCredits(BigInt(digits.slice(0, digits.length - exponent)));
  const number = exponent > 0 ? `${whole}.${digits.slice(digits.length - exponent)}` : whole;
  const symbol = SYMBOLS[code.toUpperCase()];
  return symbol ? `${sign}${symbol}${number}` : `${sign}${number} ${code.toUpperCase()}`;
}
