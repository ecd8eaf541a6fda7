import "server-only";
import { pool } from "@/server/db/client";
import { type HistoryPart, type HistorySummary, OWN_MOVE_COUNTERPARTY, summarizeHistoryGroup } from "@/server/domain/history";
import { transferLineDescription } from "@/server/domain/transfers";
import type { AccountType, TransactionKind } from "@/server/generated/prisma/enums";
import { walletBalances, type WalletBalances } from "@/server/ledger/balances";
import { historyGroupKeySql } from "@/server/ledger/history-groups";

export type { HistoryPart, WalletBalances };

export function balancesOf(userId: string): Promise<WalletBalances> {
  return walletBalances(pool, userId);
}

export interface HistoryFilter {
  kind?: TransactionKind;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** The id of the last line of the previous page. */
  cursor?: bigint;
  limit: number;
}

/** One thing the user did (an order, a show, a tip...), with the ledger entries it made on their accounts. */
export interface HistoryLine extends HistorySummary {
  /** The thing's key (see historyGroupKey); unique in a history. */
  key: string;
  /** The line's first entry: lines are ordered by it, and the last line's is the next page's cursor. */
  firstEntryId: bigint;
  /** Oldest first. */
  parts: HistoryPart[];
}

const SYSTEM_COUNTERPARTY: Partial<Record<AccountType, string>> = {
  GATEWAY_CLEARING: "Card payment",
  ADJUSTMENTS: "Tipmeter support",
  REVENUE: "Tipmeter",
  FEES: "Tipmeter fees",
  PAYOUT_CLEARING: "Payout",
  RECEIVABLES: "Tipmeter",
  EXCHANGE: "Currency exchange",
};

/** Who was on the other side of an entry: another user by name, else what the system account stands for. */
export function counterpartyLabel(otherUserName: string | null, otherAccountType: AccountType | null): string {
  if (otherUserName) return otherUserName;
  if (otherAccountType && otherAccountType in SYSTEM_COUNTERPARTY) return SYSTEM_COUNTERPARTY[otherAccountType] as string;
  if (otherAccountType) return `Your ${otherAccountType.toLowerCase()} credits`;
  return OWN_MOVE_COUNTERPARTY;
}

/**
 * A user's history, newest first, one line per thing (historyGroupKey), each with all its entries on the user's
 * accounts. Lines are ordered by their first entry, which never changes as later postings join a line (a show's
 * charges, an order's refund), so keyset pagination on it neither splits nor repeats a line. The filters apply
 * to lines: one with a posting of the kind, started within the dates. A part's counterparty is the largest leg
 * owned by someone else, else the largest system leg.
 */
export async function historyOf(userId: string, filter: HistoryFilter): Promise<{ lines: HistoryLine[]; nextCursor: bigint | null }> {
  const { rows } = await pool.query<{
    group_key: string;
    first_entry_id: string;
    entry_id: string;
    transaction_id: string;
    kind: TransactionKind;
    account_type: AccountType;
    amount: string;
    description: string;
    metadata: unknown;
    created_at: Date;
    other_name: string | null;
    other_type: AccountType | null;
  }>(
    `WITH mine AS MATERIALIZED (
       SELECT e.id AS entry_id, e.transaction_id, t.kind, a.type AS account_type, e.amount, t.description,
              CASE WHEN t.kind = 'TRANSFER' THEN t.metadata END AS metadata, e.created_at,
              ${historyGroupKeySql("t", "r")} AS group_key
         FROM ledger_accounts a
         JOIN ledger_entries e ON e.account_id = a.id
         JOIN ledger_transactions t ON t.id = e.transaction_id
         LEFT JOIN ledger_transactions r ON r.id = t.reverses_id
        WHERE a.owner_id = $1
     ), page AS (
       SELECT m.group_key, min(m.entry_id) AS first_entry_id
         FROM mine m
        GROUP BY m.group_key
       HAVING ($2::text IS NULL OR bool_or(m.kind::text = $2))
          AND ($3::timestamptz IS NULL OR min(m.created_at) >= $3)
          AND ($4::timestamptz IS NULL OR min(m.created_at) < $4)
          AND ($5::bigint IS NULL OR min(m.entry_id) < $5)
        ORDER BY first_entry_id DESC
        LIMIT $6
     )
     SELECT p.group_key, p.first_entry_id, m.entry_id, m.transaction_id, m.kind, m.account_type, m.amount,
            m.description, m.metadata, m.created_at, other.display_name AS other_name, other.type AS other_type
       FROM page p
       JOIN mine m ON m.group_key = p.group_key
       LEFT JOIN LATERAL (
         SELECT u.display_name, oa.type
           FROM ledger_entries oe
           JOIN ledger_accounts oa ON oa.id = oe.account_id
           LEFT JOIN users u ON u.id = oa.owner_id
          WHERE oe.transaction_id = m.transaction_id AND oe.id <> m.entry_id AND oa.owner_id IS DISTINCT FROM $1::uuid
          ORDER BY oa.owner_id IS NULL, abs(oe.amount) DESC
          LIMIT 1
       ) other ON true
      ORDER BY p.first_entry_id DESC, m.entry_id`,
    [userId, filter.kind ?? null, filter.from ?? null, filter.to ?? null, filter.cursor?.toString() ?? null, filter.limit + 1],
  );
  const groups = new Map<string, { firstEntryId: bigint; parts: HistoryPart[] }>();
  for (const row of rows) {
    const group = groups.get(row.group_key) ?? { firstEntryId: BigInt(row.first_entry_id), parts: [] };
    groups.set(row.group_key, group);
    group.parts.push({
      entryId: BigInt(row.entry_id),
      transactionId: BigInt(row.transaction_id),
      kind: row.kind,
      account: row.account_type,
      amount: BigInt(row.amount),
      description: row.kind === "TRANSFER" ? transferLineDescription(row.metadata, userId, row.description) : row.description,
      counterparty: counterpartyLabel(row.other_name, row.other_type),
      createdAt: row.created_at,
    });
  }
  const lines = [...groups]
    .slice(0, filter.limit)
    .map(([key, group]) => ({ key, firstEntryId: group.firstEntryId, parts: group.parts, ...summarizeHistoryGroup(group.parts) }));
  const last = lines[lines.length - 1];
  return { lines, nextCursor: groups.size > filter.limit && last ? last.firstEntryId : null };
}
