import { randomInt } from "node:crypto";

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomToken(length: number): string {
  let token = "";
  for (let i = 0; i < length; i += 1) token += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return token;
}

/** Ids shaped like Stripe's test-mode ids (`pi_1Pgafy…`, `cs_test_a1…`) so prefix checks in app code behave. */
export function newId(prefix: string): string {
  if (prefix === "cs_test") return `cs_test_a1${randomToken(58)}`;
  if (prefix === "acct") return `acct_1${randomToken(15)}`;
  if (prefix === "whsec") return `whsec_${randomToken(32)}`;
  if (prefix === "req") return `req_${randomToken(14)}`;
  return `${prefix}_1${randomToken(23)}`;
}
