/**
 * Audit-log rows as people read them. The stored action is a stable code ("ledger.adjust") and the details are
 * whatever JSON the audited change recorded; these turn both into words and label/value lines, so the viewer and
 * the export never show a raw JSON dump.
 */

const ACTION_LABELS: Record<string, string> = {
  "ledger.adjust": "Balance adjusted",
  "user.created": "Account created",
  "user.suspended": "User suspended",
  "user.reactivated": "User reactivated",
  "performer_application.submitted": "Performer application submitted",
  "performer_application.approved": "Performer application approved",
  "performer_application.rejected": "Performer application rejected",
  "payout_profile.saved": "Payout details saved",
  "payout_profile.stripe_connected": "Stripe account connected",
  "payout_profile.revealed": "Payout details revealed",
  "withdrawal.details_revealed": "Withdrawal payout details revealed",
  "withdrawals.exported": "Withdrawals exported",
  "audit_log.exported": "Audit log exported",
  "setting.set": "Setting changed",
  "commission.set": "Commission rate set",
  "exchange_rate.add": "Exchange rate added",
  "ledger.exported": "Ledger exported",
  "stripe.payment_mismatch": "Stripe payment did not match: nothing credited",
  "purchase.dispute_taken_back": "Disputed card payment taken back",
  "purchase.dispute_restored": "Dispute won: credits given back",
  "wallet_type.create": "Wallet type created",
  "wallet_type.update": "Wallet type changed",
  "wallet_type.activate": "Wallet type activated",
  "wallet_type.deactivate": "Wallet type deactivated",
  "currency.create": "Currency added",
  "currency.activate": "Currency activated",
  "currency.deactivate": "Currency deactivated",
};

/** Upper-cased where a word is an abbreviation, so "transactionId" reads "Transaction ID". */
const ABBREVIATIONS = new Set(["id", "url", "iban", "pdf"]);

function words(code: string): string[] {
  return code
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_.\-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

function sentence(code: string): string {
  const text = words(code)
    .map((word) => (ABBREVIATIONS.has(word) ? word.toUpperCase() : word))
    .join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "ledger.adjust" -> "Balance adjusted"; an action without a label still reads as words ("Store item update"). */
export function auditActionLabel(action: string): string {
  return ACTION_LABELS[action] ?? sentence(action);
}

export interface AuditDetailLine {
  /** The detail's key path as words: "Before › Price". */
  label: string;
  value: string;
  /** The key as stored, for the few details a viewer links (a ledger transaction id). */
  key: string;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Nested objects are flattened this deep; anything deeper is shown as compact JSON on its line. */
const MAX_DEPTH = 3;

function lines(value: unknown, path: string[], key: string, depth: number): AuditDetailLine[] {
  if (isPlainObject(value) && depth < MAX_DEPTH) {
    const entries = Object.entries(value);
    if (entries.length === 0) return path.length ? [{ label: path.join(" › "), value: "—", key }] : [];
    return entries.flatMap(([childKey, child]) => lines(child, [...path, sentence(childKey)], childKey, depth + 1));
  }
  const text = Array.isArray(value) && value.every((item) => !isPlainObject(item) && !Array.isArray(item)) ? value.map(scalar).join(", ") || "—" : scalar(value);
  return [{ label: path.length ? path.join(" › ") : "Details", value: text, key }];
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * A change recorded as `before` and `after` reads as what changed: "Meter control: Automatic → Performer starts"
 * for each field that differs, not two full copies. A creation (no `before`) lists what was set.
 */
function changeLines(before: unknown, after: unknown): AuditDetailLine[] | null {
  if (!isPlainObject(after)) return null;
  if (before === null || before === undefined) return lines(after, [], "", 0);
  if (!isPlainObject(before)) return null;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((key) => !sameValue(before[key], after[key]));
  if (changed.length === 0) return [{ label: "Change", value: "Nothing changed", key: "" }];
  return changed.map((key) => ({ label: sentence(key), value: `${scalar(before[key])} → ${scalar(after[key])}`, key }));
}

/** The details of one audit row as label/value lines, in the order the database keeps the keys. */
export function auditDetailLines(details: unknown): AuditDetailLine[] {
  if (isPlainObject(details) && "after" in details) {
    const { before, after, ...rest } = details;
    const change = changeLines(before, after);
    if (change) return [...lines(rest, [], "", 0), ...change];
  }
  return lines(details, [], "", 0);
}

/** The same lines on one line of text, for a spreadsheet cell: "Account: available; Amount: 25". */
export function auditDetailsText(details: unknown): string {
  return auditDetailLines(details)
    .map((line) => `${line.label}: ${line.value}`)
    .join("; ");
}
