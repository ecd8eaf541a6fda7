import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import { payingWallets } from "@/server/domain/wallet-spending";
import { CARD_TAB_WALLET, CREDITS_WALLET, WALLET_PURPOSES, assertMayPay } from "@/server/domain/wallets";
import type { WalletPurpose } from "@/server/generated/prisma/enums";
import { walletBalances } from "@/server/ledger/balances";
import { type WalletType, listWalletTypes, walletTypeById } from "./wallet-types";

/**
 * The wallet a member pays a sale from: the one they chose (Credits when they chose none), refused before
 * anything is posted when its rules leave the purpose out. ledger_sale refuses it again (TM030) as a last line.
 */

export async function payingWallet(db: Queryable, walletTypeId: string | undefined, purpose: WalletPurpose): Promise<WalletType> {
  const wallet = await walletTypeById(db, walletTypeId ?? CREDITS_WALLET);
  assertMayPay(wallet, purpose);
  return wallet;
}

export interface SpendingWallet {
  id: string;
  name: string;
  balance: bigint;
  /** The most of a store order it may pay, in basis points. */
  storeShareCapBps: number;
}

export const spendingWalletsSchema = z.object({
  purpose: z.enum(WALLET_PURPOSES),
  /** Who is paid: the card tab is offered only in the room of the performer it was opened with. */
  performerId: z.uuid().optional(),
});

/**
 * The member's wallets whose rules allow `purpose`, each with its balance, Credits first: what pay dialogs offer.
 * The card tab is one of them only while it is open with `performerId`.
 */
export async function spendingWallets(userId: string, purpose: WalletPurpose, performerId?: string): Promise<SpendingWallet[]> {
  const [types, balances, tab] = await Promise.all([
    listWalletTypes(),
    walletBalances(pool, userId),
    pool.query<{ performer_id: string }>("SELECT performer_id FROM card_tabs WHERE live_member_id = $1 AND status = 'OPEN'", [userId]),
  ]);
  const tabPays = performerId !== undefined && tab.rows[0]?.performer_id === performerId;
  return payingWallets(types, purpose)
    .filter((wallet) => wallet.id in balances.wallets && (wallet.id !== CARD_TAB_WALLET || tabPays))
    .sort((a, b) => Number(b.id === CREDITS_WALLET) - Number(a.id === CREDITS_WALLET))
    .map((wallet) => ({ id: wallet.id, name: wallet.name, balance: balances.wallets[wallet.id] ?? 0n, storeShareCapBps: wallet.storeShareCapBps }));
}
