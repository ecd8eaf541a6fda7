import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { CREDITS } from "@/server/domain/ledger";
import type { AccountType } from "@/server/generated/prisma/enums";

export interface WalletBalances {
  available: bigint;
  pending: bigint;
  held: bigint;
  /** A clawback left the wallet negative: spending is refused until it is settled. */
  restricted: boolean;
}

/** The SQL for an account's effective balance: the cached balance plus deltas not folded in yet. */
export const EFFECTIVE_BALANCE_SQL = `a.balance + coalesce((SELECT sum(d.amount) FROM ledger_unfolded_deltas d WHERE d.account_id = a.id), 0)`;

export async function walletBalances(db: Queryable, userId: string, currency = CREDITS): Promise<WalletBalances> {
  const { rows } = await db.query<{ type: AccountType; balance: string; restricted: boolean }>(
    `SELECT a.type, ${EFFECTIVE_BALANCE_SQL} AS balance, a.restricted
       FROM ledger_accounts a WHERE a.owner_id = $1 AND a.currency = $2`,
    [userId, currency],
  );
  const balances: WalletBalances = { available: 0n, pending: 0n, held: 0n, restricted: false };
  for (const row of rows) {
    const amount = BigInt(row.balance);
    if (row.type === "AVAILABLE") balances.available = amount;
    if (row.type === "PENDING") balances.pending = amount;
    if (row.type === "HELD") balances.held = amount;
    balances.restricted ||= row.restricted;
  }
  return balances;
}

/** Folds parked deltas of hot accounts into their cached balances; returns how many accounts it folded. */
export async function foldHotAccounts(db: Queryable, maxAccounts = 1000): Promise<number> {
  const { rows } = await db.query<{ folded: number }>("SELECT ledger_fold($1) AS folded", [maxAccounts]);
  return rows[0]?.folded ?? 0;
}
