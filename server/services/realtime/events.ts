import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { walletBalances } from "@/server/ledger/balances";

/** Event names on a member's private channel. */
export const WALLET_UPDATED = "wallet.updated";

export interface WalletUpdatedPayload {
  available: string;
  pending: string;
  held: string;
  restricted: boolean;
}

/** The user's balances as they are now, as the wallet.updated event carries them. */
export async function walletUpdatedPayload(db: Queryable, userId: string): Promise<WalletUpdatedPayload> {
  const balances = await walletBalances(db, userId);
  return {
    available: balances.available.toString(),
    pending: balances.pending.toString(),
    held: balances.held.toString(),
    restricted: balances.restricted,
  };
}

/**
 * Status changes of withdrawals and store orders, for the pages that show them: the people involved hear it on
 * their private channels, admins on theirs. The payload ({ id, status }) names what changed; pages refetch it.
 */
export const WITHDRAWAL_UPDATED = "withdrawal.updated";
export const ORDER_UPDATED = "order.updated";
