import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { CREDITS } from "@/server/domain/ledger";
import type { AccountType } from "@/server/generated/prisma/enums";

export interface WalletBalances {
  /** The Credits wallet. */
  available: bigint;
  /** The Earnings wallet: matured earnings, what withdrawals draw on. */
  earnings: bigint;
  pending: bigint;
  held: bigint;
  /** A clawback left the wallet negative: spending is refused until it is settled. */
  restricted: boolean;
  /** Every wallet's balance, by wallet type id, in its own currency's minor units. */
  wallets: Record<string, bigint>;
}

/** The SQL for an account's effective balance: the cached balance plus deltas not folded in yet. */
export const EFFECTIVE_BALANCE_SQL = `a.balance + coalesce((SELECT sum(d.amount) FROM ledger_unfolded_deltas d WHERE d.account_id = a.id), 0)`;

/** A user's balances: the credit accounts by kind, and every wallet by its type (in any currency). */
export async function walletBalances(db: Queryable, userId: string): Promise<WalletBalances> {
  return (await walletBalancesOf(db, [userId])).get(userId) ?? noBalances();
}

const noBalances = (): WalletBalances => ({ available: 0n, earnings: 0n, pending: 0n, held: 0n, restricted: false, wallets: {} });

/** walletBalances of several users in one statement, by user id; a user with no accounts is left out. */
export async function walletBalancesOf(db: Queryable, userIds: readonly string[]): Promise<Map<string, WalletBalances>> {
  const { rows } = await db.query<{ owner_id: string; type: AccountType; currency: string; wallet_type_id: string | null; balance: string; restricted: boolean }>(
    `SELECT a.owner_id, a.type, a.currency, a.wallet_type_id, ${EFFECTIVE_BALANCE_SQL} AS balance, a.restricted
       FROM ledger_accounts a WHERE a.owner_id = ANY ($1::uuid[])`,
    [userIds],
  );
  const byUser = new Map<string, WalletBalances>();
  for (const row of rows) {
    let balances = byUser.get(row.owner_id);
    if (!balances) byUser.set(row.owner_id, (balances = noBalances()));
    const amount = BigInt(row.balance);
    if (row.wallet_type_id) balances.wallets[row.wallet_type_id] = amount;
    if (row.currency !== CREDITS) continue;
    if (row.type === "AVAILABLE") balances.available = amount;
    if (row.type === "EARNINGS") balances.earnings = amount;
    if (row.type === "PENDING") balances.pending = amount;
    if (row.type === "HELD") balances.held = amount;
    balances.restricted ||= row.restricted;
  }
  return byUser;
}

/** Folds parked deltas of hot accounts into their cached balances; returns how many accounts it folded. */
export async function foldHotAccounts(db: Queryable, maxAccounts = 1000): Promise<number> {
  const { rows } = await db.query<{ folded: number }>("SELECT ledger_fold($1) AS folded", [maxAccounts]);
  return rows[0]?.folded ?? 0;
}
