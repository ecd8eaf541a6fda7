import "server-only";
import type { z } from "zod";
import { pool } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { CREDITS } from "@/server/domain/ledger";
import { formatWalletAmount } from "@/server/domain/money";
import {
  ONLY_CREDITS_PAY,
  type createCurrencySchema,
  type createWalletTypeSchema,
  type updateWalletTypeSchema,
} from "@/server/domain/wallet-admin";
import { describeUses } from "@/server/domain/wallets";
import type { CurrencyKind } from "@/server/generated/prisma/enums";
import { mapLedgerError } from "@/server/ledger/post";
import { recordAudit } from "@/server/services/audit/record";
import { type WalletType, walletTypeFromRecord } from "../wallet/wallet-types";
import {
  type WalletTypeAdminRow,
  currencyAdminRows,
  insertCurrency,
  insertWalletType,
  lockCurrency,
  lockWalletTypeForActivation,
  lockWalletTypeRules,
  setCurrencyActiveRow,
  setWalletTypeActiveRow,
  updateWalletTypeRules,
  walletTypeAdminRows,
} from "./queries";

/**
 * The admin's wallet types and currencies: list, create, edit rules, activate and deactivate. Every change writes
 * its audit row in the same transaction. Deactivation is refused for the built-in wallets (the database trigger
 * refuses it too) and for a type whose wallets still hold money, which would otherwise vanish from users' pages.
 */

export interface AdminWalletType extends WalletType {
  /** The rules in plain words (describeUses). */
  uses: string[];
  /** Wallets of this type holding a non-zero balance, and their total in minor units of the currency. */
  holders: number;
  total: bigint;
}

function fromRow(row: WalletTypeAdminRow): AdminWalletType {
  const type = walletTypeFromRecord(row);
  return { ...type, uses: describeUses(type), holders: Number(row.holders), total: BigInt(row.total) };
}

export async function adminWalletTypes(): Promise<AdminWalletType[]> {
  return (await walletTypeAdminRows(pool)).map(fromRow);
}

/** Postgres refusals a wallet-type write can meet, in words: a taken id, or the trigger's TM031. */
function mapWriteError(error: unknown, what: string): never {
  const code = (error as { code?: string }).code;
  if (code === "23505") throw new DomainError("CONFLICT", `A ${what} with this id already exists.`);
  return mapLedgerError(error);
}

async function assertCurrencyUsable(db: Queryable, code: string): Promise<void> {
  const currency = await lockCurrency(db, code, "share");
  if (!currency) throw new DomainError("NOT_FOUND", `There is no currency ${code}.`);
  if (!currency.active) throw new DomainError("PRECONDITION_FAILED", `The currency ${code} is not active; activate it first.`);
}

export async function createWalletType(adminId: string, input: z.output<typeof createWalletTypeSchema>): Promise<void> {
  await withTransaction(pool, async (db) => {
    await assertCurrencyUsable(db, input.currency);
    await insertWalletType(db, input).catch((error: unknown) => mapWriteError(error, "wallet type"));
    await recordAudit(db, { actorId: adminId, action: "wallet_type.create", target: { type: "wallet_type", id: input.id }, details: { ...input } });
  });
}

export async function updateWalletType(adminId: string, input: z.output<typeof updateWalletTypeSchema>): Promise<void> {
  await withTransaction(pool, async (db) => {
    const before = await lockWalletTypeRules(db, input.id);
    if (!before) throw new DomainError("NOT_FOUND", "There is no such wallet type.");
    if (before.currency !== CREDITS && input.paysFor.length > 0) throw new DomainError("BAD_REQUEST", ONLY_CREDITS_PAY);
    await updateWalletTypeRules(db, input).catch((error: unknown) => mapWriteError(error, "wallet type"));
    const { currency, ...rules } = before;
    await recordAudit(db, { actorId: adminId, action: "wallet_type.update", target: { type: "wallet_type", id: input.id }, details: { currency, before: rules, after: input } });
  });
}

export async function setWalletTypeActive(adminId: string, input: { id: string; active: boolean }): Promise<void> {
  await withTransaction(pool, async (db) => {
    const type = await lockWalletTypeForActivation(db, input.id);
    if (!type) throw new DomainError("NOT_FOUND", "There is no such wallet type.");
    if (type.active === input.active) return;
    if (input.active) {
      await assertCurrencyUsable(db, type.currency);
    } else {
      if (type.built_in) throw new DomainError("BAD_REQUEST", `The ${type.name} wallet is built in: the platform's money rules rely on it, so it cannot be deactivated.`);
      const holders = Number(type.holders);
      if (holders > 0) {
        const total = formatWalletAmount(BigInt(type.total), { currency: type.currency, exponent: type.exponent });
        throw new DomainError(
          "PRECONDITION_FAILED",
          `The ${type.name} wallet cannot be deactivated: ${holders} wallet${holders === 1 ? "" : "s"} still hold${holders === 1 ? "s" : ""} a balance (${total} in total). Bring them to zero first.`,
        );
      }
    }
    await setWalletTypeActiveRow(db, input.id, input.active).catch((error: unknown) => mapWriteError(error, "wallet type"));
    await recordAudit(db, {
      actorId: adminId,
      action: input.active ? "wallet_type.activate" : "wallet_type.deactivate",
      target: { type: "wallet_type", id: input.id },
      details: { name: type.name, currency: type.currency },
    });
  });
}

export interface AdminCurrency {
  code: string;
  name: string;
  kind: CurrencyKind;
  exponent: number;
  active: boolean;
  /** Names of the active wallet types in this currency. */
  usedBy: string[];
}

export async function adminCurrencies(): Promise<AdminCurrency[]> {
  const rows = await currencyAdminRows(pool);
  return rows.map((row) => ({ code: row.code, name: row.name, kind: row.kind, exponent: row.exponent, active: row.active, usedBy: row.used_by }));
}

export async function createCurrency(adminId: string, input: z.output<typeof createCurrencySchema>): Promise<void> {
  await withTransaction(pool, async (db) => {
    await insertCurrency(db, input).catch((error: unknown) => mapWriteError(error, "currency"));
    await recordAudit(db, { actorId: adminId, action: "currency.create", target: { type: "currency", id: input.code }, details: { ...input } });
  });
}

export async function setCurrencyActive(adminId: string, input: { code: string; active: boolean }): Promise<void> {
  await withTransaction(pool, async (db) => {
    const currency = await lockCurrency(db, input.code, "update");
    if (!currency) throw new DomainError("NOT_FOUND", `There is no currency ${input.code}.`);
    if (currency.active === input.active) return;
    if (!input.active) {
      const usedBy = (await currencyAdminRows(db, input.code))[0]?.used_by ?? [];
      if (usedBy.length > 0) {
        throw new DomainError("PRECONDITION_FAILED", `${input.code} cannot be deactivated: the active wallet type${usedBy.length === 1 ? "" : "s"} ${usedBy.join(", ")} use${usedBy.length === 1 ? "s" : ""} it. Deactivate ${usedBy.length === 1 ? "it" : "them"} first.`);
      }
    }
    await setCurrencyActiveRow(db, input.code, input.active);
    await recordAudit(db, { actorId: adminId, action: input.active ? "currency.activate" : "currency.deactivate", target: { type: "currency", id: input.code } });
  });
}
