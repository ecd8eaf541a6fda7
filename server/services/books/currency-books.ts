import "server-only";
/** The books of one currency: its accounts' totals, never added to another currency's. */
import { pool } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import type { AccountType } from "@/server/generated/prisma/enums";
import { EFFECTIVE_BALANCE_SQL } from "@/server/ledger/balances";

export interface BooksCurrency {
  code: string;
  name: string;
  exponent: number;
  active: boolean;
}

export interface CurrencyTotal {
  type: AccountType;
  /** The wallet type of users' wallet accounts; null for system accounts and users' other accounts. */
  walletTypeId: string | null;
  walletName: string | null;
  /** True for the platform's own accounts (no owner). */
  system: boolean;
  accounts: number;
  balance: bigint;
}

export interface CurrencyBooks {
  currency: BooksCurrency;
  /** Per kind of account (and per wallet type for users' wallets), in this currency's minor units. */
  totals: CurrencyTotal[];
  /** Every account of the currency together: zero when each of its transactions balanced. */
  sum: bigint;
}

/** Every currency the books hold, credits first. */
export async function booksCurrencies(): Promise<BooksCurrency[]> {
  const { rows } = await pool.query<BooksCurrency>("SELECT code, name, exponent, active FROM currencies ORDER BY code = 'CRD' DESC, code");
  return rows;
}

/** One currency's totals by kind of account, read in one statement so they add up to `sum` at one moment. */
export async function currencyBooks(code: string): Promise<CurrencyBooks> {
  const currencies = await pool.query<BooksCurrency>("SELECT code, name, exponent, active FROM currencies WHERE code = $1", [code]);
  const currency = currencies.rows[0];
  if (!currency) throw new DomainError("NOT_FOUND", `There is no currency ${code}.`);
  const { rows } = await pool.query<{ type: AccountType; wallet_type_id: string | null; wallet_name: string | null; system: boolean; accounts: number; balance: string }>(
    `SELECT a.type, a.wallet_type_id, wt.name AS wallet_name, a.owner_id IS NULL AS system, count(*)::int AS accounts,
            sum(${EFFECTIVE_BALANCE_SQL})::text AS balance
       FROM ledger_accounts a LEFT JOIN wallet_types wt ON wt.id = a.wallet_type_id
      WHERE a.currency = $1
      GROUP BY a.type, a.wallet_type_id, wt.name, a.owner_id IS NULL
      ORDER BY a.owner_id IS NULL, a.type, wt.name`,
    [code],
  );
  const totals = rows.map((row) => ({
    type: row.type,
    walletTypeId: row.wallet_type_id,
    walletName: row.wallet_name,
    system: row.system,
    accounts: row.accounts,
    balance: BigInt(row.balance),
  }));
  return { currency, totals, sum: totals.reduce((total, row) => total + row.balance, 0n) };
}
