import "server-only";
import type { z } from "zod";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import {
  type AutoTopUpRule,
  assertMayBeActive,
  assertMayTopUp,
  autoTopUpSchema,
  mayPayInRooms,
  setActiveWalletSchema,
  topUpAmountProblem,
  topUpProblem,
} from "@/server/domain/active-wallet";
import { DomainError } from "@/server/domain/errors";
import { type WalletPurpose } from "@/server/generated/prisma/enums";
import { assertMayPay, CARD_TAB_WALLET, CREDITS_WALLET } from "@/server/domain/wallets";
import { walletBalances } from "@/server/ledger/balances";
import { rateInEffect } from "./moves";
import { type PreferencesRow, lockPreferencesRow, selectPreferences, selectTopUpsToday } from "./preference-queries";
import { type WalletType, listWalletTypes, walletTypeById, walletTypesById } from "./wallet-types";

/**
 * A member's choices for live rooms: which wallet pays (the active wallet) and the automatic top-up that refills it
 * during a show. No row means the defaults: Credits pays, no top-up. Changes lock the member's preferences row, the
 * same lock the top-up takes, so a rule never changes under a top-up being decided.
 */

export interface AutoTopUpSetting extends AutoTopUpRule {
  /** False once it fired (or was refused) for this crossing, until the active wallet is seen back at the threshold. */
  armed: boolean;
}

export interface LiveWalletChoice {
  id: string;
  name: string;
  currency: string;
  exponent: number;
  balance: bigint;
  /** May be the active wallet: it pays for tips or shows. */
  mayBeActive: boolean;
  paysForTips: boolean;
  paysForShows: boolean;
  /** Value may be moved out of it, so it may top up another. */
  mayBeSource: boolean;
  mayBeToppedUp: boolean;
}

export interface WalletPreferences {
  activeWalletTypeId: string;
  autoTopUp: AutoTopUpSetting | null;
  /** Every wallet in use, in the order pages list them, with its balance. */
  wallets: LiveWalletChoice[];
  /** Automatic top-ups posted today (UTC). */
  autoTopUpsToday: number;
}

export async function walletPreferencesOf(userId: string): Promise<WalletPreferences> {
  const [row, types, balances, today, openTab] = await Promise.all([
    selectPreferences(pool, userId),
    listWalletTypes(),
    walletBalances(pool, userId),
    selectTopUpsToday(pool, userId, null),
    hasOpenTab(pool, userId),
  ]);
  return {
    activeWalletTypeId: row?.active_wallet_type_id ?? CREDITS_WALLET,
    autoTopUp: row ? ruleOf(row) : null,
    wallets: types.map((type) => ({
      id: type.id,
      name: type.name,
      currency: type.currency,
      exponent: type.exponent,
      balance: balances.wallets[type.id] ?? 0n,
      mayBeActive: mayPayInRooms(type) && (type.id !== CARD_TAB_WALLET || openTab),
      paysForTips: type.paysFor.includes("TIPS") && mayPayInRooms(type),
      paysForShows: type.paysFor.includes("SHOWS") && mayPayInRooms(type),
      mayBeSource: type.exchangeOut,
      mayBeToppedUp: type.exchangeIn,
    })),
    autoTopUpsToday: today,
  };
}

/** The card tab can be the wallet that pays only while one is open. */
async function hasOpenTab(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM card_tabs WHERE live_member_id = $1 AND status = 'OPEN'", [userId]);
  return rows.length > 0;
}

export function ruleOf(row: PreferencesRow): AutoTopUpSetting | null {
  if (row.auto_top_up_source_id === null || row.auto_top_up_below === null || row.auto_top_up_amount === null) return null;
  return {
    sourceWalletTypeId: row.auto_top_up_source_id,
    below: BigInt(row.auto_top_up_below),
    amount: BigInt(row.auto_top_up_amount),
    maxPerDay: row.auto_top_up_max_per_day,
    armed: row.auto_top_up_armed,
  };
}

/**
 * Makes a wallet the active one. It must pay for tips or shows. A top-up rule must still hold for the new active
 * wallet: making the top-up source itself active is refused (the rule is not cleared behind the member's back),
 * and so is a wallet the source can't top up; the member changes or turns off the rule first.
 */
export async function setActiveWallet(userId: string, input: z.input<typeof setActiveWalletSchema>): Promise<WalletPreferences> {
  const { walletTypeId } = setActiveWalletSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const row = await lockPreferencesRow(db, userId);
    const wallet = await walletTypeById(db, walletTypeId);
    assertMayBeActive(wallet);
    if (wallet.id === CARD_TAB_WALLET && !(await hasOpenTab(db, userId))) {
      throw new DomainError("PRECONDITION_FAILED", "Open a card tab in a performer's room first; it then pays there.");
    }
    const rule = ruleOf(row);
    if (rule) {
      const source = await walletTypeById(db, rule.sourceWalletTypeId);
      if (source.id === wallet.id) {
        throw new DomainError(
          "CONFLICT",
          `Your ${source.name} wallet tops up your active wallet, so it can't be the active one. Choose another top-up source or turn automatic top-up off first.`,
        );
      }
      const problem = topUpProblem(source, wallet);
      if (problem) throw new DomainError("CONFLICT", `${problem} Change or turn off automatic top-up first.`);
    }
    await db.query("UPDATE wallet_preferences SET active_wallet_type_id = $2, updated_at = now() WHERE user_id = $1", [userId, wallet.id]);
  });
  return walletPreferencesOf(userId);
}

/**
 * Sets the automatic top-up of the active wallet, armed. An amount that would move nothing at the rate and fee in
 * effect (a few cents into credits) is refused on the amount field, rather than saved to fail at every show.
 */
export async function setAutoTopUp(userId: string, input: z.input<typeof autoTopUpSchema>): Promise<WalletPreferences> {
  const rule = autoTopUpSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const row = await lockPreferencesRow(db, userId);
    const types = await walletTypesById(db, [rule.sourceWalletTypeId, row.active_wallet_type_id]);
    const source = types.get(rule.sourceWalletTypeId) as WalletType;
    const active = types.get(row.active_wallet_type_id) as WalletType;
    assertMayTopUp(source, active);
    const amountProblem = topUpAmountProblem(rule.amount, source, active, await rateInEffect(db, source.currency, active.currency));
    if (amountProblem) throw new DomainError("BAD_REQUEST", amountProblem, { fieldErrors: { amount: [amountProblem] } });
    await db.query(
      `UPDATE wallet_preferences
          SET auto_top_up_source_id = $2, auto_top_up_below = $3, auto_top_up_amount = $4, auto_top_up_max_per_day = $5,
              auto_top_up_armed = true, updated_at = now()
        WHERE user_id = $1`,
      [userId, rule.sourceWalletTypeId, rule.below.toString(), rule.amount.toString(), rule.maxPerDay],
    );
  });
  return walletPreferencesOf(userId);
}

export async function clearAutoTopUp(userId: string): Promise<WalletPreferences> {
  await withTransaction(pool, async (db) => {
    await lockPreferencesRow(db, userId);
    await db.query(
      `UPDATE wallet_preferences
          SET auto_top_up_source_id = NULL, auto_top_up_below = NULL, auto_top_up_amount = NULL, auto_top_up_armed = true, updated_at = now()
        WHERE user_id = $1`,
      [userId],
    );
  });
  return walletPreferencesOf(userId);
}

/** The wallet that pays for `purpose` now: the member's active wallet, refused in words when its rules leave it out. */
export async function payingWalletFor(db: Queryable, userId: string, purpose: WalletPurpose): Promise<WalletType> {
  const row = await selectPreferences(db, userId);
  const wallet = await walletTypeById(db, row?.active_wallet_type_id ?? CREDITS_WALLET);
  assertMayPay(wallet, purpose);
  return wallet;
}
