import { pool } from "@/server/db/client";
import { transferLineDescription } from "@/server/domain/transfers";
import type { AccountType, TransactionKind } from "@/server/generated/prisma/enums";
import { walletBalances, type WalletBalances } from "@/server/ledger/balances";

export type { WalletBalances };

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

export interface HistoryLine {
  entryId: bigint;
  transactionId: bigint;
  kind: TransactionKind;
  account: AccountType;
  amount: bigint;
  description: string;
  counterparty: string;
  createdAt: Date;
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

/** Who was on the other side of a line: another user by name, else what the system account stands for. */
export function counterpartyLabel(otherUserName: string | null, otherAccountType: AccountType | null, ownAccountType: AccountType): string {
  if (otherUserName) return otherUserName;
  if (otherAccountType && otherAccountType in SYSTEM_COUNTERPARTY) return SYSTEM_COUNTERPARTY[otherAccountType] as string;
  if (otherAccountType) return `Your ${otherAccountType.toLowerCase()} credits`;
  return ownAccountType === "AVAILABLE" ? "Wallet" : "Tipmeter";
}

/**
 * A user's history, newest first, one line per entry on their accounts, with keyset pagination on the entry id.
 * The counterparty is the largest leg owned by someone else, else the largest system leg.
 */
export async function historyOf(userId: string, filter: HistoryFilter): Promise<{ lines: HistoryLine[]; nextCursor: bigint | null }> {
  const { rows } = await pool.query<{
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
    `SELECT e.id AS entry_id, t.id AS transaction_id, t.kind, a.type AS account_type, e.amount, t.description,
            CASE WHEN t.kind = 'TRANSFER' THEN t.metadata END AS metadata,
            e.created_at, other.display_name AS other_name, other.type AS other_type
       FROM ledger_accounts a
       JOIN ledger_entries e ON e.account_id = a.id
       JOIN ledger_transactions t ON t.id = e.transaction_id
       LEFT JOIN LATERAL (
         SELECT u.display_name, oa.type
           FROM ledger_entries oe
           JOIN ledger_accounts oa ON oa.id = oe.account_id
           LEFT JOIN users u ON u.id = oa.owner_id
          WHERE oe.transaction_id = e.transaction_id AND oe.id <> e.id AND oa.owner_id IS DISTINCT FROM $1::uuid
          ORDER BY oa.owner_id IS NULL, abs(oe.amount) DESC
          LIMIT 1
       ) other ON true
      WHERE a.owner_id = $1
        AND ($2::text IS NULL OR t.kind::text = $2)
        AND ($3::timestamptz IS NULL OR e.created_at >= $3)
        AND ($4::timestamptz IS NULL OR e.created_at < $4)
        AND ($5::bigint IS NULL OR e.id < $5)
      ORDER BY e.id DESC
      LIMIT $6`,
    [userId, filter.kind ?? null, filter.from ?? null, filter.to ?? null, filter.cursor?.toString() ?? null, filter.limit + 1],
  );
  const lines = rows.slice(0, filter.limit).map((row) => ({
    entryId: BigInt(row.entry_id),
    transactionId: BigInt(row.transaction_id),
    kind: row.kind,
    account: row.account_type,
    amount: BigInt(row.amount),
    description: row.kind === "TRANSFER" ? transferLineDescription(row.metadata, userId, row.description) : row.description,
    counterparty: counterpartyLabel(row.other_name, row.other_type, row.account_type),
    createdAt: row.created_at,
  }));
  const last = lines[lines.length - 1];
  return { lines, nextCursor: rows.length > filter.limit && last ? last.entryId : null };
}
