import type { AccountType, TransactionKind } from "@/server/generated/prisma/enums";

/**
 * History a person can read: the ledger posts several transactions for one thing a user did (a store order paid
 * partly by card is a hold, then a sale; a show is a hold, many partial charges and a release), and the wallet
 * history shows one line per thing, with the postings as its parts.
 *
 * The thing a posting belongs to is named by its idempotency key or metadata (see server/ledger/README.md):
 *   store-order:<order>:sale|hold|release|refund          -> store-order:<order>
 *   purchase:<purchase>:credit|refund-to:..|dispute:..    -> purchase:<purchase>
 *   tab:<tab>:funding|release|capture:..|settlement|..     -> tab:<tab>
 *   SHOW_HOLD / SHOW_CHARGE with metadata.showId          -> show:<show>
 *   withdrawal:<withdrawal>:release|paid|paid:reversal    -> withdrawal:<withdrawal>
 *   withdrawal:<performer>:<client key>:hold              -> withdrawal:<the withdrawal holding it>
 * Anything else is a thing of its own, and a reversal belongs to the thing it reverses.
 * `historyGroupKeySql` in server/ledger/history-groups.ts is the same rule in SQL; an integration test checks
 * that the two agree on real postings.
 */

export interface GroupablePosting {
  id: bigint;
  kind: TransactionKind;
  idempotencyKey: string;
  metadata: unknown;
  /** For a WITHDRAWAL_HOLD: the withdrawal whose request made it (the key names the request, not the row). */
  withdrawalId?: string | null;
}

const SHOW_KINDS: readonly TransactionKind[] = ["SHOW_HOLD", "SHOW_CHARGE"];
const KEYED_BY_OBJECT = /^(store-order|purchase|tab):([^:]+):/;
const WITHDRAWAL_HOLD_KEY = /^withdrawal:[0-9a-f-]{36}:[^:]+:hold$/;
const WITHDRAWAL_STEP_KEY = /^withdrawal:([^:]+):/;

function showIdOf(metadata: unknown): string | null {
  const showId = (metadata as { showId?: unknown } | null)?.showId;
  return typeof showId === "string" ? showId : null;
}

/** The business object a posting belongs to, or null when the posting is a thing of its own. */
export function ledgerObjectKey(posting: GroupablePosting): string | null {
  const showId = SHOW_KINDS.includes(posting.kind) ? showIdOf(posting.metadata) : null;
  if (showId) return `show:${showId}`;
  const keyed = KEYED_BY_OBJECT.exec(posting.idempotencyKey);
  if (keyed) return `${keyed[1]}:${keyed[2]}`;
  if (WITHDRAWAL_HOLD_KEY.test(posting.idempotencyKey)) return `withdrawal:${posting.withdrawalId ?? `transaction-${posting.id}`}`;
  const step = WITHDRAWAL_STEP_KEY.exec(posting.idempotencyKey);
  if (step) return `withdrawal:${step[1]}`;
  return null;
}

/** The history line a posting belongs to: its object, else the object (or transaction) it reverses, else itself. */
export function historyGroupKey(posting: GroupablePosting, reverses: GroupablePosting | null): string {
  return (
    ledgerObjectKey(posting) ??
    (reverses ? ledgerObjectKey(reverses) : null) ??
    `transaction:${reverses ? reverses.id : posting.id}`
  );
}

/** One ledger entry on the user's own accounts, with what the history shows of its transaction. */
export interface HistoryPart {
  entryId: bigint;
  transactionId: bigint;
  kind: TransactionKind;
  account: AccountType;
  amount: bigint;
  description: string;
  counterparty: string;
  createdAt: Date;
}

/**
 * on_hold: credits are still set aside (a card checkout, a live show, a withdrawal under review);
 * released: everything set aside came back and nothing was spent; refunded: a sale or payment taken back in full;
 * reversed: undone in full by a correcting posting.
 */
export type HistoryState = "on_hold" | "released" | "refunded" | "reversed" | null;

export interface HistorySummary {
  /** The kind that names the thing: the sale rather than the hold that preceded it. */
  kind: TransactionKind;
  description: string;
  counterparty: string;
  /**
   * What the thing did to the user's own credits so far, held credits counted as still theirs: the cost to the
   * available balance once nothing is held any more. Earnings moved from pending to available count as arriving.
   */
  amount: bigint;
  /** Credits this thing still holds. */
  held: bigint;
  /** Set when every credit the line moved is on one account other than available (pending earnings). */
  account: AccountType | null;
  state: HistoryState;
  startedAt: Date;
}

/** Postings that set credits aside or give them back, never what a line is named after when there is more. */
const SUPPORTING_KINDS: readonly TransactionKind[] = [
  "STORE_HOLD",
  "SHOW_HOLD",
  "WITHDRAWAL_HOLD",
  "DISPUTE_HOLD",
  "DISPUTE_RELEASE",
  "REVERSAL",
  "SALE_REFUND",
  "PURCHASE_REFUND",
];
const REFUND_KINDS: readonly TransactionKind[] = ["SALE_REFUND", "PURCHASE_REFUND"];

function sum(parts: readonly HistoryPart[], keep: (part: HistoryPart) => boolean): bigint {
  return parts.reduce((total, part) => (keep(part) ? total + part.amount : total), 0n);
}

/** The counterparty of an entry that only moved credits between the user's own balances (a hold, its release). */
export const OWN_MOVE_COUNTERPARTY = "Your wallet";

/**
 * Who the line was with: the others on the principal kind's postings, else on any posting, else the user's own
 * wallet; one name, or how many when there are several (a group show's members, on the performer's side).
 */
function counterpartyOf(parts: readonly HistoryPart[], kind: TransactionKind): string {
  const others = parts.filter((part) => part.counterparty !== OWN_MOVE_COUNTERPARTY);
  const principal = others.filter((part) => part.kind === kind);
  const names = [...new Set((principal.length > 0 ? principal : others).map((part) => part.counterparty))];
  if (names.length > 1) return `${names.length} people`;
  return names[0] ?? OWN_MOVE_COUNTERPARTY;
}

function stateOf(parts: readonly HistoryPart[], amount: bigint, held: bigint): HistoryState {
  if (held > 0n) return "on_hold";
  if (amount !== 0n) return null;
  if (parts.some((part) => REFUND_KINDS.includes(part.kind))) return "refunded";
  if (parts.some((part) => part.account === "HELD")) return "released";
  if (parts.some((part) => part.kind === "REVERSAL")) return "reversed";
  return null;
}

/** What one line of history says about its parts (oldest first). */
export function summarizeHistoryGroup(parts: readonly HistoryPart[]): HistorySummary {
  const first = parts[0];
  if (!first) throw new RangeError("a history line needs at least one part");
  const principal = parts.find((part) => !SUPPORTING_KINDS.includes(part.kind)) ?? first;
  const matured = principal.kind === "EARNINGS_MATURED";
  const amount = matured ? sum(parts, (part) => part.account === "EARNINGS" || part.account === "AVAILABLE") : sum(parts, () => true);
  const held = sum(parts, (part) => part.account === "HELD");
  const accounts = new Set(parts.filter((part) => part.account !== "HELD").map((part) => part.account));
  const [onlyAccount] = accounts;
  return {
    kind: principal.kind,
    description: principal.description,
    counterparty: counterpartyOf(parts, principal.kind),
    amount,
    held,
    account: !matured && accounts.size === 1 && onlyAccount !== "AVAILABLE" ? (onlyAccount ?? null) : null,
    state: stateOf(parts, amount, held),
    startedAt: first.createdAt,
  };
}
