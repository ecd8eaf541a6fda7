import type { WalletRules } from "./wallets";

/** The wallet types the wallets migration seeds, with their rules, for table-driven tests of the pure wallet rules. */
export const credits: WalletRules = {
  id: "credits",
  name: "Credits",
  currency: "CRD",
  accountKind: "available",
  paysFor: ["TIPS", "SHOWS", "CONTENT", "MEMBERSHIPS", "STORE", "PAYMENT_REQUESTS"],
  transferable: true,
  withdrawable: false,
  storeShareCapBps: 10_000,
  exchangeIn: true,
  exchangeOut: true,
  active: true,
};
export const earnings: WalletRules = { ...credits, id: "earnings", name: "Earnings", accountKind: "earnings", paysFor: [], transferable: false, withdrawable: true, exchangeIn: false };
export const bonus: WalletRules = {
  ...credits,
  id: "bonus",
  name: "Bonus",
  accountKind: "bonus",
  paysFor: ["TIPS", "SHOWS", "STORE"],
  transferable: false,
  storeShareCapBps: 5_000,
  exchangeIn: false,
  exchangeOut: false,
};
export const dollars: WalletRules = { ...credits, id: "usd", name: "Dollars", currency: "USD", accountKind: "usd", paysFor: [], transferable: false, storeShareCapBps: 0 };
