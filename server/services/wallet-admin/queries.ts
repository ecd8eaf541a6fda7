import "server-only";
/**
 * The admin's wallet-type and currency SQL, each statement typed and covered by wallet-admin.int.test.ts. Writes
 * run inside the caller's transaction; the rows they check are locked first, so a check and the change it guards
 * see the same state.
 */
import type { Queryable } from "@/server/db/transaction";
import type { CurrencyKind, WalletPurpose } from "@/server/generated/prisma/enums";
import { EFFECTIVE_BALANCE_SQL } from "@/server/ledger/balances";
import { WALLET_TYPE_COLUMNS as WALLET_TYPE_RULE_COLUMNS, type WalletTypeRecord } from "../wallet/wallet-types";

export interface WalletTypeAdminRow extends WalletTypeRecord {
  /** Wallets of this type whose balance is not zero. */
  holders: string;
  /** Their balances summed, in minor units of the type's currency, as exact text. */
  total: string;
}

/** The admin sees a type's own switch, whatever its currency's. */
const WALLET_TYPE_COLUMNS = `${WALLET_TYPE_RULE_COLUMNS}, wt.active`;

const HOLDINGS_SQL = `(SELECT count(*) FILTER (WHERE x.balance <> 0) AS holders, coalesce(sum(x.balance), 0) AS total
           FROM (SELECT ${EFFECTIVE_BALANCE_SQL} AS balance FROM ledger_accounts a WHERE a.wallet_type_id = wt.id) x)`;

/** Every wallet type, in list order, with how many wallets of it hold money and how much. */
export async function walletTypeAdminRows(db: Queryable): Promise<WalletTypeAdminRow[]> {
  const { rows } = await db.query<WalletTypeAdminRow>(
    `SELECT ${WALLET_TYPE_COLUMNS}, h.holders, h.total
       FROM wallet_types wt JOIN currencies c ON c.code = wt.currency
       CROSS JOIN LATERAL ${HOLDINGS_SQL} h
      ORDER BY wt.position, wt.id`,
  );
  return rows;
}

/** One wallet type, its row locked for an activation change, with its holdings read after the lock. */
export async function lockWalletTypeForActivation(db: Queryable, id: string): Promise<(WalletTypeAdminRow & { currency_active: boolean }) | null> {
  const locked = await db.query("SELECT id FROM wallet_types WHERE id = $1 FOR UPDATE", [id]);
  if (locked.rowCount === 0) return null;
  const { rows } = await db.query<WalletTypeAdminRow & { currency_active: boolean }>(
    `SELECT ${WALLET_TYPE_COLUMNS}, c.active AS currency_active, h.holders, h.total
       FROM wallet_types wt JOIN currencies c ON c.code = wt.currency
       CROSS JOIN LATERAL ${HOLDINGS_SQL} h
      WHERE wt.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export async function setWalletTypeActiveRow(db: Queryable, id: string, active: boolean): Promise<void> {
  await db.query("UPDATE wallet_types SET active = $2, updated_at = now() WHERE id = $1", [id, active]);
}

export interface NewWalletTypeRow {
  id: string;
  name: string;
  description: string;
  currency: string;
  paysFor: readonly WalletPurpose[];
  transferable: boolean;
  withdrawable: boolean;
  storeShareCapBps: number;
  exchangeIn: boolean;
  exchangeOut: boolean;
  active: boolean;
  position: number;
}

/** A new wallet type whose account kind is its id; when active, the wallet_types trigger opens a wallet for every user. */
export async function insertWalletType(db: Queryable, row: NewWalletTypeRow): Promise<void> {
  await db.query(
    `INSERT INTO wallet_types (id, name, description, currency, account_kind, pays_for, transferable, withdrawable,
                               store_share_cap_bps, exchange_in, exchange_out, active, position, built_in)
     VALUES ($1, $2, $3, $4, $1, $5::"WalletPurpose"[], $6, $7, $8, $9, $10, $11, $12, false)`,
    [row.id, row.name, row.description, row.currency, row.paysFor, row.transferable, row.withdrawable, row.storeShareCapBps, row.exchangeIn, row.exchangeOut, row.active, row.position],
  );
}

export type WalletTypeRulesRow = Omit<NewWalletTypeRow, "currency" | "active">;

/** The rules of a type, locked; null when there is no such type. */
export async function lockWalletTypeRules(db: Queryable, id: string): Promise<(WalletTypeRulesRow & { currency: string }) | null> {
  const { rows } = await db.query<WalletTypeRulesRow & { currency: string }>(
    `SELECT id, name, description, currency, pays_for::text[] AS "paysFor", transferable, withdrawable,
            store_share_cap_bps AS "storeShareCapBps", exchange_in AS "exchangeIn", exchange_out AS "exchangeOut", position
       FROM wallet_types WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

export async function updateWalletTypeRules(db: Queryable, row: WalletTypeRulesRow): Promise<void> {
  await db.query(
    `UPDATE wallet_types SET name = $2, description = $3, pays_for = $4::"WalletPurpose"[], transferable = $5, withdrawable = $6,
            store_share_cap_bps = $7, exchange_in = $8, exchange_out = $9, position = $10, updated_at = now()
      WHERE id = $1`,
    [row.id, row.name, row.description, row.paysFor, row.transferable, row.withdrawable, row.storeShareCapBps, row.exchangeIn, row.exchangeOut, row.position],
  );
}

export interface CurrencyAdminRow {
  code: string;
  name: string;
  kind: CurrencyKind;
  exponent: number;
  active: boolean;
  /** Names of the active wallet types in this currency, in list order. */
  used_by: string[];
}

/** Every currency with the active wallet types that use it; credits first, then by code. */
export async function currencyAdminRows(db: Queryable, code: string | null = null): Promise<CurrencyAdminRow[]> {
  const { rows } = await db.query<CurrencyAdminRow>(
    `SELECT c.code, c.name, c.kind, c.exponent, c.active,
            coalesce(array_agg(wt.name ORDER BY wt.position, wt.id) FILTER (WHERE wt.id IS NOT NULL), '{}') AS used_by
       FROM currencies c LEFT JOIN wallet_types wt ON wt.currency = c.code AND wt.active
      WHERE $1::text IS NULL OR c.code = $1
      GROUP BY c.code
      ORDER BY c.kind = 'CREDITS' DESC, c.code`,
    [code],
  );
  return rows;
}

/** A currency locked against activation changes while a wallet type that uses it is created or activated. */
export async function lockCurrency(db: Queryable, code: string, mode: "share" | "update"): Promise<{ code: string; active: boolean } | null> {
  const { rows } = await db.query<{ code: string; active: boolean }>(
    `SELECT code, active FROM currencies WHERE code = $1 ${mode === "share" ? "FOR SHARE" : "FOR UPDATE"}`,
    [code],
  );
  return rows[0] ?? null;
}

/** A new currency; the currencies trigger opens its adjustments, exchange and fees accounts. */
export async function insertCurrency(db: Queryable, row: { code: string; name: string; kind: CurrencyKind; exponent: number }): Promise<void> {
  await db.query("INSERT INTO currencies (code, name, kind, exponent, active) VALUES ($1, $2, $3, $4, true)", [row.code, row.name, row.kind, row.exponent]);
}

export async function setCurrencyActiveRow(db: Queryable, code: string, active: boolean): Promise<void> {
  await db.query("UPDATE currencies SET active = $2 WHERE code = $1", [code, active]);
}
