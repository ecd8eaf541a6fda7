import { z } from "zod";
import type { PayoutMethod, WithdrawalStatus } from "@/server/generated/prisma/enums";
import { DomainError, type DomainErrorCode } from "./errors";
import { formatCredits, minorUnitExponent, mulDivFloor } from "./money";

/**
 * Withdrawals, as pure rules: who may move a withdrawal from one status to another and what that does to the
 * ledger; what a number of credits is worth in a payout currency, the fee and the net; the limits; the
 * payout-method lock; and the payout profile's field formats and masking. No database, no network.
 */

export const PAYOUT_METHODS = ["PAYPAL", "BANK_TRANSFER", "STRIPE_CONNECT"] as const satisfies readonly PayoutMethod[];
export const WITHDRAWAL_STATUSES = [
  "REQUESTED",
  "APPROVED",
  "PROCESSING",
  "PAID",
  "REJECTED",
  "CANCELLED",
  "FAILED",
  "NEEDS_RECONCILIATION",
] as const satisfies readonly WithdrawalStatus[];

export const PAYOUT_METHOD_LABELS: Record<PayoutMethod, string> = {
  PAYPAL: "PayPal",
  BANK_TRANSFER: "Bank transfer",
  STRIPE_CONNECT: "Stripe",
};

export const WITHDRAWAL_STATUS_LABELS: Record<WithdrawalStatus, string> = {
  REQUESTED: "Requested",
  APPROVED: "Approved",
  PROCESSING: "Processing",
  PAID: "Paid",
  REJECTED: "Rejected",
  CANCELLED: "Cancelled",
  FAILED: "Failed",
  NEEDS_RECONCILIATION: "Needs reconciliation",
};

// ---------------------------------------------------------------------------------------------------------------
// The state machine

/** Who moves a withdrawal: its performer, an admin, or Tipmeter itself (auto-approval, Stripe's webhooks). */
export type PayoutActor = "performer" | "admin" | "system";

/** What a transition does to the ledger, in order. */
export type LedgerEffect =
  /** The hold is reversed: held credits go back to available. */
  | "release"
  /** WITHDRAWAL_PAID: held credits leave for payout clearing. */
  | "settle"
  /** The WITHDRAWAL_PAID posting is reversed (a paid payout that the bank returned later). */
  | "unsettle";

interface Transition {
  from: WithdrawalStatus;
  to: WithdrawalStatus;
  by: readonly PayoutActor[];
  effects: readonly LedgerEffect[];
}

/**
 * Every allowed move. Anything not listed is refused. Funds stay held from the request until the withdrawal is
 * paid (settled) or ends without payment (released); nothing is paid without an admin's review unless the
 * auto-approval setting lets the system approve.
 */
export const WITHDRAWAL_TRANSITIONS: readonly Transition[] = [
  { from: "REQUESTED", to: "CANCELLED", by: ["performer"], effects: ["release"] },
  { from: "REQUESTED", to: "APPROVED", by: ["admin", "system"], effects: [] },
  { from: "REQUESTED", to: "REJECTED", by: ["admin"], effects: ["release"] },
  // Approved but not yet paid (say the bank details turned out wrong): the admin can still turn it down.
  { from: "APPROVED", to: "REJECTED", by: ["admin"], effects: ["release"] },
  // A Stripe payout was created; it is in flight until Stripe reports it paid or failed.
  { from: "APPROVED", to: "PROCESSING", by: ["admin", "system"], effects: [] },
  // Paid by other means (PayPal, a bank transfer) and marked paid by the admin with a reference.
  { from: "APPROVED", to: "PAID", by: ["admin"], effects: ["settle"] },
  { from: "PROCESSING", to: "PAID", by: ["system"], effects: ["settle"] },
  { from: "PROCESSING", to: "FAILED", by: ["system"], effects: ["release"] },
  // Stripe may report a payout failed after it reported it paid (the bank returned it).
  { from: "PAID", to: "FAILED", by: ["system"], effects: ["unsettle", "release"] },
  // A failed Stripe payout whose transfer could not be reversed: the money sits in the performer's Stripe
  // account, so the credits stay held (a paid one's payment is undone back into held) for an admin.
  { from: "PROCESSING", to: "NEEDS_RECONCILIATION", by: ["system"], effects: [] },
  { from: "PAID", to: "NEEDS_RECONCILIATION", by: ["system"], effects: ["unsettle"] },
  // The admin recovered the money (credits returned), or the performer keeps it (paid, with a reference).
  { from: "NEEDS_RECONCILIATION", to: "REJECTED", by: ["admin"], effects: ["release"] },
  { from: "NEEDS_RECONCILIATION", to: "PAID", by: ["admin"], effects: ["settle"] },
];

const VERBS: Record<WithdrawalStatus, string> = {
  REQUESTED: "requested",
  APPROVED: "approved",
  PROCESSING: "sent for payout",
  PAID: "marked paid",
  REJECTED: "rejected",
  CANCELLED: "cancelled",
  FAILED: "marked failed",
  NEEDS_RECONCILIATION: "held for reconciliation",
};

export function findTransition(from: WithdrawalStatus, to: WithdrawalStatus): Transition | null {
  return WITHDRAWAL_TRANSITIONS.find((transition) => transition.from === from && transition.to === to) ?? null;
}

export function canTransition(from: WithdrawalStatus, to: WithdrawalStatus, actor: PayoutActor): boolean {
  return findTransition(from, to)?.by.includes(actor) ?? false;
}

/**
 * The ledger effects of a move, or a refusal: CONFLICT when the withdrawal's status does not allow it (a second
 * approve, cancelling a paid one), FORBIDDEN when the move exists but is not this actor's to make.
 */
export function assertTransition(from: WithdrawalStatus, to: WithdrawalStatus, actor: PayoutActor): readonly LedgerEffect[] {
  const transition = findTransition(from, to);
  if (!transition) {
    const status = WITHDRAWAL_STATUS_LABELS[from].toLowerCase();
    throw new DomainError(
      "CONFLICT",
      from === to ? `This withdrawal is already ${status}.` : `This withdrawal is ${status}, so it can't be ${VERBS[to]}.`,
    );
  }
  if (!transition.by.includes(actor)) throw new DomainError("FORBIDDEN", `You can't mark this withdrawal ${VERBS[to]}.`);
  return transition.effects;
}

/** Statuses an admin still has to act on: review, or pay by other means. */
export const AWAITING_ADMIN: readonly WithdrawalStatus[] = ["REQUESTED", "APPROVED", "NEEDS_RECONCILIATION"];

/**
 * Statuses whose credits sit in the performer's held account: from the request until the payout is settled or
 * the hold released. A paid payout the bank returned unsettles back into held (NEEDS_RECONCILIATION).
 */
export const HOLDING_CREDITS: readonly WithdrawalStatus[] = ["REQUESTED", "APPROVED", "PROCESSING", "NEEDS_RECONCILIATION"];

// ---------------------------------------------------------------------------------------------------------------
// Conversion, fees and limits

/** `credits` credits are worth `amountMinor` minor units of the payout currency. */
export interface PayoutRateTerms {
  credits: bigint;
  amountMinor: bigint;
}

/** A payout method's fee (in minor units of the payout currency, plus basis points) and limits (in credits). */
export interface PayoutMethodTerms {
  fixedMinor: bigint;
  percentBps: number;
  minCredits: bigint;
  maxCredits: bigint;
}

export interface WithdrawalQuote {
  credits: bigint;
  grossMinor: bigint;
  feeMinor: bigint;
  netMinor: bigint;
}

/** What credits are worth: floor(credits x amountMinor / rateCredits). The performer never gets a fraction more. */
export function creditsToMinor(credits: bigint, rate: PayoutRateTerms): bigint {
  if (rate.credits <= 0n || rate.amountMinor <= 0n) throw new RangeError("a payout rate must be positive");
  return mulDivFloor(credits, rate.amountMinor, rate.credits);
}

/**
 * fixed + percent of the gross. The percent part is rounded up to a whole minor unit, so the fee is never less
 * than the percentage the admin set (1.5% of $0.99 is 1.485 cents: 2 cents).
 */
export function payoutFeeMinor(grossMinor: bigint, terms: Pick<PayoutMethodTerms, "fixedMinor" | "percentBps">): bigint {
  const numerator = grossMinor * BigInt(terms.percentBps);
  const percentPart = (numerator + 9_999n) / 10_000n;
  return terms.fixedMinor + percentPart;
}

export function quoteWithdrawal(credits: bigint, rate: PayoutRateTerms, terms: PayoutMethodTerms): WithdrawalQuote {
  const grossMinor = creditsToMinor(credits, rate);
  const feeMinor = payoutFeeMinor(grossMinor, terms);
  return { credits, grossMinor, feeMinor, netMinor: grossMinor - feeMinor };
}

export type WithdrawalProblemCode = "NOT_POSITIVE" | "BELOW_MINIMUM" | "ABOVE_MAXIMUM" | "ABOVE_AVAILABLE" | "FEE_TAKES_ALL";

export interface WithdrawalProblem {
  code: WithdrawalProblemCode;
  message: string;
}

/** The first reason a withdrawal of this size can't be requested, or null. Shared by the form and the service. */
export function withdrawalProblem(
  quote: WithdrawalQuote,
  terms: PayoutMethodTerms,
  available: bigint,
  methodLabel = "this payout method",
): WithdrawalProblem | null {
  if (quote.credits <= 0n) return { code: "NOT_POSITIVE", message: "Enter a whole number of credits, 1 or more." };
  if (quote.credits < terms.minCredits) {
    return { code: "BELOW_MINIMUM", message: `The minimum withdrawal for ${methodLabel} is ${formatCredits(terms.minCredits)} credits.` };
  }
  if (quote.credits > terms.maxCredits) {
    return { code: "ABOVE_MAXIMUM", message: `The maximum withdrawal for ${methodLabel} is ${formatCredits(terms.maxCredits)} credits.` };
  }
  if (quote.credits > available) {
    return { code: "ABOVE_AVAILABLE", message: `You have ${formatCredits(available)} credits of earnings to withdraw.` };
  }
  if (quote.netMinor <= 0n) return { code: "FEE_TAKES_ALL", message: "The fee would take the whole amount; withdraw more." };
  return null;
}

const PROBLEM_CODES: Record<WithdrawalProblemCode, DomainErrorCode> = {
  NOT_POSITIVE: "BAD_REQUEST",
  BELOW_MINIMUM: "BAD_REQUEST",
  ABOVE_MAXIMUM: "BAD_REQUEST",
  ABOVE_AVAILABLE: "INSUFFICIENT_FUNDS",
  FEE_TAKES_ALL: "BAD_REQUEST",
};

/** The quote for a request, or the DomainError saying why it can't be made. */
export function checkWithdrawal(
  credits: bigint,
  rate: PayoutRateTerms,
  terms: PayoutMethodTerms,
  available: bigint,
  methodLabel?: string,
): WithdrawalQuote {
  const quote = quoteWithdrawal(credits, rate, terms);
  const problem = withdrawalProblem(quote, terms, available, methodLabel);
  if (problem) throw new DomainError(PROBLEM_CODES[problem.code], problem.message, { problem: problem.code });
  return quote;
}

/** A payout currency's rate, shared by the admin form in the browser and the tRPC input. */
export const payoutRateSchema = z.object({
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, "A currency is a three-letter ISO code, such as USD.")
    .transform((code) => code.toUpperCase()),
  credits: z.bigint().min(1n, "At least 1 credit.").max(1_000_000_000n),
  amountMinor: z.bigint().min(1n, "The amount must be more than zero.").max(1_000_000_000_000n),
});

/** "1.50" in usd -> 150n; "500" in jpy -> 500n; null when it isn't a non-negative amount with at most the currency's decimals. */
export function parseMajorToMinor(text: string, currency: string): bigint | null {
  const exponent = minorUnitExponent(currency);
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text.trim().replace(/,/g, ""));
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > exponent) return null;
  return BigInt(match[1] ?? "0") * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
}

// ---------------------------------------------------------------------------------------------------------------
// The payout-method lock

const DAY_MS = 86_400_000;

/** When withdrawals open again after the payout method or details changed at `changedAt`. */
export function lockEndsAt(changedAt: Date, lockDays: number): Date {
  return new Date(changedAt.getTime() + lockDays * DAY_MS);
}

export function isLocked(changedAt: Date, lockDays: number, now: Date): boolean {
  return now.getTime() < lockEndsAt(changedAt, lockDays).getTime();
}

// ---------------------------------------------------------------------------------------------------------------
// Payout profile fields

export const PAYOUT_FIELD_FORMATS = ["text", "email", "country", "iban", "swift", "tax_id"] as const;
export type PayoutFieldFormat = (typeof PAYOUT_FIELD_FORMATS)[number];

export const PAYOUT_FIELD_FORMAT_LABELS: Record<PayoutFieldFormat, string> = {
  text: "Text",
  email: "Email",
  country: "Country (ISO code)",
  iban: "IBAN",
  swift: "SWIFT/BIC",
  tax_id: "Tax ID",
};

export function isPayoutFieldFormat(value: string): value is PayoutFieldFormat {
  return (PAYOUT_FIELD_FORMATS as readonly string[]).includes(value);
}

/** A field admins require on payout profiles; `methods` empty means every method. */
export interface PayoutFieldDefinition {
  key: string;
  label: string;
  format: PayoutFieldFormat;
  required: boolean;
  sensitive: boolean;
  methods: readonly PayoutMethod[];
}

/** ISO 3166-1 alpha-2. */
const COUNTRY_CODES = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO " +
    "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE " +
    "JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO " +
    "MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW " +
    "PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM " +
    "TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

export function isCountryCode(value: string): boolean {
  return COUNTRY_CODES.has(value);
}

/** ISO 13616: country, two check digits, up to 30 letters and digits; valid when the number is 1 mod 97. */
export function isValidIban(value: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(value) || !isCountryCode(value.slice(0, 2))) return false;
  const rearranged = value.slice(4) + value.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** ISO 9362: bank (4 letters), country (2 letters), location (2), optional branch (3). */
export function isValidSwift(value: string): boolean {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(value) && isCountryCode(value.slice(4, 6));
}

const emailSchema = z.email();

/** Values as stored: codes upper-cased, IBANs without spaces, emails lower-cased. */
export function normalizeFieldValue(format: PayoutFieldFormat, raw: string): string {
  const value = raw.trim();
  switch (format) {
    case "email":
      return value.toLowerCase();
    case "country":
    case "swift":
      return value.toUpperCase();
    case "iban":
      return value.replace(/\s+/g, "").toUpperCase();
    case "tax_id":
    case "text":
      return value.replace(/\s+/g, " ");
  }
}

/** Why a normalized, non-empty value is not valid for its format, or null. */
export function fieldFormatError(format: PayoutFieldFormat, value: string): string | null {
  switch (format) {
    case "email":
      return value.length <= 254 && emailSchema.safeParse(value).success ? null : "Enter an email address like name@example.com.";
    case "country":
      return isCountryCode(value) ? null : "Enter a two-letter country code, such as US or DE.";
    case "iban":
      return isValidIban(value) ? null : "This IBAN is not valid; check it against your bank statement.";
    case "swift":
      return isValidSwift(value) ? null : "Enter a SWIFT/BIC code of 8 or 11 characters, such as DEUTDEFF.";
    case "tax_id":
      return /^[A-Z0-9][A-Z0-9 ./-]{3,29}$/i.test(value) ? null : "Enter the tax ID as issued: 4 to 30 letters and digits.";
    case "text":
      return value.length <= 200 ? null : "Keep this under 200 characters.";
  }
}

/**
 * An admin-defined label as it reads inside a sentence: only a plain capitalised first word is lowered
 * ("Legal name" → "legal name", "Tax ID" → "tax ID"); acronyms and brand names keep their case ("IBAN",
 * "SWIFT/BIC", "PayPal email").
 */
export function labelInSentence(label: string): string {
  const trimmed = label.trim();
  return trimmed.replace(/^[A-Z][a-z]*(?=[^A-Za-z]|$)/, (word) => (word.length > 1 ? word.toLowerCase() : word));
}

export function fieldsForMethod<Field extends PayoutFieldDefinition>(fields: readonly Field[], method: PayoutMethod): Field[] {
  return fields.filter((field) => field.methods.length === 0 || field.methods.includes(method));
}

export interface ValidatedDetails {
  /** Normalized values of the fields that apply to the method; empty optional fields are left out. */
  values: Record<string, string>;
  /** Problems keyed by field key; empty when the details are valid. */
  fieldErrors: Record<string, string[]>;
}

/** Checks what a performer typed against the fields the admin requires for the chosen method. */
export function validatePayoutDetails(
  fields: readonly PayoutFieldDefinition[],
  method: PayoutMethod,
  input: Readonly<Record<string, string | undefined>>,
): ValidatedDetails {
  const values: Record<string, string> = {};
  const fieldErrors: Record<string, string[]> = {};
  for (const field of fieldsForMethod(fields, method)) {
    const value = normalizeFieldValue(field.format, input[field.key] ?? "");
    if (value === "") {
      if (field.required) fieldErrors[field.key] = [`Enter your ${labelInSentence(field.label)}.`];
      continue;
    }
    const problem = fieldFormatError(field.format, value);
    if (problem) fieldErrors[field.key] = [problem];
    else values[field.key] = value;
  }
  return { values, fieldErrors };
}

/** Labels of required fields a stored profile lacks (or holds invalid), e.g. after an admin added a field. */
export function missingPayoutFields(
  fields: readonly PayoutFieldDefinition[],
  method: PayoutMethod,
  details: Readonly<Record<string, string | undefined>>,
): string[] {
  const { fieldErrors } = validatePayoutDetails(fields, method, details);
  return fieldsForMethod(fields, method)
    .filter((field) => fieldErrors[field.key])
    .map((field) => field.label);
}

/** Whether saving `next` changes where the money goes, which starts the payout-method lock. */
export function payoutDestinationChanged(
  previous: { method: PayoutMethod; details: Readonly<Record<string, string>>; stripeAccountId: string | null } | null,
  next: { method: PayoutMethod; details: Readonly<Record<string, string>>; stripeAccountId: string | null },
): boolean {
  if (!previous) return true;
  if (previous.method !== next.method || previous.stripeAccountId !== next.stripeAccountId) return true;
  const keys = new Set([...Object.keys(previous.details), ...Object.keys(next.details)]);
  return [...keys].some((key) => previous.details[key] !== next.details[key]);
}

const MASK = "••••";

/** A sensitive value as lists show it: the email's first letter and domain, or the last four characters. */
export function maskValue(format: PayoutFieldFormat, value: string): string {
  if (format === "email") {
    const at = value.lastIndexOf("@");
    if (at > 0) return `${value[0]}${MASK}${value.slice(at)}`;
  }
  return value.length <= 6 ? MASK : `${MASK} ${value.slice(-4)}`;
}

/** One line of payout details as shown to an admin; sensitive values are masked unless revealed. */
export interface PayoutDetailLine {
  key: string;
  label: string;
  value: string;
  sensitive: boolean;
  masked: boolean;
}

/** The payout details as of a moment, self-describing so that later field changes don't alter old withdrawals. */
export interface PayoutDetailsSnapshot {
  method: PayoutMethod;
  currency: string;
  lines: Array<{ key: string; label: string; format: PayoutFieldFormat; sensitive: boolean; value: string }>;
  stripeAccountId: string | null;
}

export function snapshotPayoutDetails(
  fields: readonly PayoutFieldDefinition[],
  profile: { method: PayoutMethod; currency: string; details: Readonly<Record<string, string>>; stripeAccountId: string | null },
): PayoutDetailsSnapshot {
  return {
    method: profile.method,
    currency: profile.currency,
    lines: fieldsForMethod(fields, profile.method)
      .filter((field) => profile.details[field.key] !== undefined)
      .map((field) => ({
        key: field.key,
        label: field.label,
        format: field.format,
        sensitive: field.sensitive,
        value: profile.details[field.key] ?? "",
      })),
    stripeAccountId: profile.method === "STRIPE_CONNECT" ? profile.stripeAccountId : null,
  };
}

export function detailLines(snapshot: PayoutDetailsSnapshot, reveal: boolean): PayoutDetailLine[] {
  const lines = snapshot.lines.map((line) => ({
    key: line.key,
    label: line.label,
    value: line.sensitive && !reveal ? maskValue(line.format, line.value) : line.value,
    sensitive: line.sensitive,
    masked: line.sensitive && !reveal,
  }));
  if (snapshot.stripeAccountId) {
    lines.push({ key: "stripe_account", label: "Stripe account", value: snapshot.stripeAccountId, sensitive: false, masked: false });
  }
  return lines;
}

/** Deterministic keys: any retry of the same step (a replayed webhook, a double click) posts or pays once. */
export const withdrawalKeys = {
  hold: (performerId: string, clientKey: string) => `withdrawal:${performerId}:${clientKey}:hold`,
  release: (withdrawalId: string) => `withdrawal:${withdrawalId}:release`,
  settle: (withdrawalId: string) => `withdrawal:${withdrawalId}:paid`,
  unsettle: (withdrawalId: string) => `withdrawal:${withdrawalId}:paid:reversal`,
  stripeTransfer: (withdrawalId: string) => `withdrawal:${withdrawalId}:stripe-transfer`,
  stripePayout: (withdrawalId: string) => `withdrawal:${withdrawalId}:stripe-payout`,
  stripeTransferReversal: (withdrawalId: string) => `withdrawal:${withdrawalId}:stripe-transfer-reversal`,
  /** Paid after reconciliation: the first payment (if any) was undone, so this one needs a key of its own. */
  settleReconciled: (withdrawalId: string) => `withdrawal:${withdrawalId}:paid:reconciled`,
};

/**
 * Auto-approval looks at what the performer asked for over this window, not at one request: otherwise a large
 * withdrawal split into small ones would skip review.
 */
export const AUTO_APPROVAL_WINDOW_HOURS = 24;

/** Whether a request is approved without review: the admin's threshold covers it plus the window's earlier requests. */
export function qualifiesForAutoApproval(credits: bigint, requestedInWindow: bigint, threshold: bigint | null): boolean {
  return threshold !== null && credits + requestedInWindow <= threshold;
}

/**
 * A member's payout profile, shared by the profile form in the browser and the tRPC input; the service checks the
 * method, currency and details against what admins offer and require.
 */
export const savePayoutProfileSchema = z.object({
  method: z.enum(PAYOUT_METHODS),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/)
    .transform((code) => code.toUpperCase()),
  details: z.record(z.string(), z.string().max(500)),
});
export type SavePayoutProfileInput = z.input<typeof savePayoutProfileSchema>;
