import "server-only";
/**
 * The wallet's SQL, each statement typed and covered by transfers.int.test.ts or wallet-history.int.test.ts: the
 * transfer's lock, daily total and row inside its ledger transaction, and the history report.
 */
import type { Queryable } from "@/server/db/transaction";
import type { AccountType, TransactionKind } from "@/server/generated/prisma/enums";
import { historyGroupKeySql } from "@/server/ledger/history-groups";

/** Serializes this sender's transfers, so a sum read after it sees every transfer that committed before. */
export async function lockSenderTransfers(db: Queryable, senderId: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended('transfer-sender:' || $1, 0))", [senderId]);
}

/** What the sender has sent since the start of the current UTC day, by the database's clock. */
export async function sentToday(db: Queryable, senderId: string): Promise<bigint> {
  const { rows } = await db.query<{ total: string }>(
    `SELECT coalesce(sum(amount), 0) AS total FROM transfers
      WHERE sender_id = $1 AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    [senderId],
  );
  return BigInt(rows[0]?.total ?? "0");
}

export interface TransferRow {
  id: string;
  senderId: string;
  recipientId: string;
  amount: bigint;
  fee: bigint;
  note: string | null;
  transactionId: bigint;
  sourceWalletTypeId: string;
}

/** The transfer's own row, written with its posting. */
export async function insertTransfer(db: Queryable, transfer: TransferRow): Promise<void> {
  await db.query(
    `INSERT INTO transfers (id, sender_id, recipient_id, amount, fee, note, transaction_id, source_wallet_type_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      transfer.id,
      transfer.senderId,
      transfer.recipientId,
      transfer.amount.toString(),
      transfer.fee.toString(),
      transfer.note,
      transfer.transactionId.toString(),
      transfer.sourceWalletTypeId,
    ],
  );
}

export interface HistoryRowFilter {
  kind?: TransactionKind;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** The first entry id of the last line of the previous page. */
  cursor?: bigint;
  /** Only this wallet's lines (see historyEntryRows); every account's when absent. */
  walletTypeId?: string;
  /** Lines to read (the caller asks for one more than a page to know whether another follows). */
  lines: number;
}

export interface HistoryEntryRow {
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
}

/**
 * The entries of a page of a user's history lines, newest line first, each line's entries oldest first. A line is
 * one history group (historyGroupKeySql) ordered by its first entry; the filters apply to lines. `other_*` names
 * the largest leg owned by someone else, else the largest system leg.
 *
 * With a wallet, a line is that wallet's when one of its entries is on the wallet's account, and it shows those
 * entries plus the user's held and pending entries of the line (they belong to no wallet): a show's holds stay on
 * the Credits line that made them, a withdrawal's on the Earnings line. A line with only held or pending entries
 * goes where such money comes from and goes back to: held to Credits, pending (earnings on the way) to Earnings.
 * The filters and the paging key then apply to the entries shown.
 */
export async function historyEntryRows(db: Queryable, userId: string, filter: HistoryRowFilter): Promise<HistoryEntryRow[]> {
  const { rows } = await db.query<HistoryEntryRow>(
    `WITH mine AS MATERIALIZED (
       SELECT e.id AS entry_id, e.transaction_id, t.kind, a.type AS account_type, a.wallet_type_id, e.amount, t.description,
              CASE WHEN t.kind = 'TRANSFER' THEN t.metadata END AS metadata, e.created_at,
              ${historyGroupKeySql("t", "r")} AS group_key
         FROM ledger_accounts a
         JOIN ledger_entries e ON e.account_id = a.id
         JOIN ledger_transactions t ON t.id = e.transaction_id
         LEFT JOIN ledger_transactions r ON r.id = t.reverses_id
        WHERE a.owner_id = $1
     ), wallet_lines AS (
       SELECT m.group_key
         FROM mine m
        GROUP BY m.group_key
       HAVING $7::text IS NULL
           OR bool_or(m.wallet_type_id = $7)
           OR (bool_and(m.wallet_type_id IS NULL)
               AND bool_or(m.account_type::text = CASE $7 WHEN 'credits' THEN 'HELD' WHEN 'earnings' THEN 'PENDING' END))
     ), shown AS MATERIALIZED (
       SELECT m.*
         FROM mine m
         JOIN wallet_lines w ON w.group_key = m.group_key
        WHERE $7::text IS NULL OR m.wallet_type_id IS NULL OR m.wallet_type_id = $7
     ), page AS (
       SELECT m.group_key, min(m.entry_id) AS first_entry_id
         FROM shown m
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
       JOIN shown m ON m.group_key = p.group_key
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
    [userId, filter.kind ?? null, filter.from ?? null, filter.to ?? null, filter.cursor?.toString() ?? null, filter.lines, filter.walletTypeId ?? null],
  );
  return rows;
}

/** The wallet types of the user's open wallet accounts whose type and currency are in use, in the pages' order. */
export async function ownActiveWalletTypeIds(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT wt.id
       FROM ledger_accounts a
       JOIN wallet_types wt ON wt.id = a.wallet_type_id
       JOIN currencies c ON c.code = wt.currency
      WHERE a.owner_id = $1 AND wt.active AND c.active
      ORDER BY wt.position, wt.id`,
    [userId],
  );
  return rows.map((row) => row.id);
}
