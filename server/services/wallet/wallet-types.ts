import "server-only";
import { prisma } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import type { WalletRules } from "@/server/domain/wallets";
import type { CurrencyKind, WalletPurpose } from "@/server/generated/prisma/enums";

/** A wallet type as pages and use cases need it: its rules, and how its currency's amounts are written. */
export interface WalletType extends WalletRules {
  description: string;
  currencyName: string;
  currencyKind: CurrencyKind;
  /** Minor-unit exponent of the currency: amounts are integers of 10^-exponent units. */
  exponent: number;
  position: number;
  builtIn: boolean;
}

/** Every wallet type, in the order pages list them; inactive ones only when asked for. */
export async function listWalletTypes(options: { includeInactive?: boolean } = {}): Promise<WalletType[]> {
  const rows = await prisma.walletType.findMany({
    where: options.includeInactive ? {} : { active: true },
    include: { currencyRef: true },
    orderBy: [{ position: "asc" }, { id: "asc" }],
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    currency: row.currency,
    currencyName: row.currencyRef.name,
    currencyKind: row.currencyRef.kind,
    exponent: row.currencyRef.exponent,
    accountKind: row.accountKind,
    paysFor: row.paysFor,
    transferable: row.transferable,
    withdrawable: row.withdrawable,
    storeShareCapBps: row.storeShareCapBps,
    exchangeIn: row.exchangeIn,
    exchangeOut: row.exchangeOut,
    active: row.active,
    position: row.position,
    builtIn: row.builtIn,
  }));
}

/** A wallet type's columns, from `wallet_types wt JOIN currencies c`; the caller adds what `active` means to it. */
export const WALLET_TYPE_COLUMNS = `wt.id, wt.name, wt.description, wt.currency, c.name AS currency_name, c.kind AS currency_kind, c.exponent,
            wt.account_kind, wt.pays_for::text[] AS pays_for, wt.transferable, wt.withdrawable, wt.store_share_cap_bps,
            wt.exchange_in, wt.exchange_out, wt.position, wt.built_in`;

/** A wallet type row as SQL reads it with WALLET_TYPE_COLUMNS (plus an `active` column). */
export interface WalletTypeRecord {
  id: string;
  name: string;
  description: string;
  currency: string;
  currency_name: string;
  currency_kind: CurrencyKind;
  exponent: number;
  account_kind: string;
  pays_for: WalletPurpose[];
  transferable: boolean;
  withdrawable: boolean;
  store_share_cap_bps: number;
  exchange_in: boolean;
  exchange_out: boolean;
  active: boolean;
  position: number;
  built_in: boolean;
}

/**
 * The wallet types named; an unknown id is refused in words. `shareLock` holds them to the end of the caller's
 * transaction, so an admin's deactivation (which locks the type, then checks its wallets hold nothing) waits for a
 * move into one of them to commit and sees it. Only moves ask for it: a share lock writes to the row, and every sale
 * reading the Credits type would then queue on one tuple.
 */
export async function walletTypesById(db: Queryable, ids: readonly string[], options: { shareLock?: boolean } = {}): Promise<Map<string, WalletType>> {
  const { rows } = await db.query<WalletTypeRecord>(
    `SELECT ${WALLET_TYPE_COLUMNS}, wt.active AND c.active AS active
       FROM wallet_types wt JOIN currencies c ON c.code = wt.currency
      WHERE wt.id = ANY ($1::text[])${options.shareLock ? "\n        FOR SHARE OF wt" : ""}`,
    [ids],
  );
  const found = new Map(rows.map((row) => [row.id, walletTypeFromRecord(row)]));
  for (const id of ids) if (!found.has(id)) throw new DomainError("NOT_FOUND", "There is no such wallet.");
  return found;
}

export async function walletTypeById(db: Queryable, id: string): Promise<WalletType> {
  const found = (await walletTypesById(db, [id])).get(id);
  if (!found) throw new DomainError("NOT_FOUND", "There is no such wallet.");
  return found;
}

export function walletTypeFromRecord(row: WalletTypeRecord): WalletType {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    currency: row.currency,
    currencyName: row.currency_name,
    currencyKind: row.currency_kind,
    exponent: row.exponent,
    accountKind: row.account_kind,
    paysFor: row.pays_for,
    transferable: row.transferable,
    withdrawable: row.withdrawable,
    storeShareCapBps: row.store_share_cap_bps,
    exchangeIn: row.exchange_in,
    exchangeOut: row.exchange_out,
    active: row.active,
    position: row.position,
    builtIn: row.built_in,
  };
}
