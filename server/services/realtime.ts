import { pool } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import type { StoreOrderStatus, WithdrawalStatus } from "@/server/generated/prisma/enums";
import { ADMINS_CHANNEL, pusherServer, userChannel } from "@/server/integrations/pusher";
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
 * Tells a user's open pages that their wallet changed, after the change committed. Best effort: a lost message
 * only delays the display, since pages also refetch when they regain focus or reconnect.
 */
export async function publishWalletUpdate(userId: string): Promise<void> {
  try {
    await pusherServer.trigger(userChannel(userId), WALLET_UPDATED, await walletUpdatedPayload(pool, userId));
  } catch (error) {
    console.error(`wallet update for ${userId} not published`, error);
  }
}

/**
 * Status changes of withdrawals and store orders, for the pages that show them: the people involved hear it on
 * their private channels, admins on theirs. The payload names what changed; pages refetch it.
 */
export const WITHDRAWAL_UPDATED = "withdrawal.updated";
export const ORDER_UPDATED = "order.updated";

export interface StatusUpdatedPayload {
  id: string;
  status: string;
}

async function publishStatus(channels: string[], event: string, payload: StatusUpdatedPayload): Promise<void> {
  try {
    await pusherServer.trigger(channels, event, payload);
  } catch (error) {
    console.error(`${event} for ${payload.id} not published`, error);
  }
}

/** After the withdrawal's change committed: to its performer and the admins' queue. */
export async function publishWithdrawalUpdate(change: { withdrawalId: string; performerId: string; status: WithdrawalStatus }): Promise<void> {
  await publishStatus([userChannel(change.performerId), ADMINS_CHANNEL], WITHDRAWAL_UPDATED, { id: change.withdrawalId, status: change.status });
}

/** After the order's change committed: to its buyer, its seller (admins sell the site's items) and the admins. */
export async function publishOrderUpdate(orderId: string): Promise<void> {
  const order = await pool
    .query<{ status: StoreOrderStatus; buyer_id: string; seller_id: string | null }>(`SELECT status, buyer_id, seller_id FROM store_orders WHERE id = $1`, [orderId])
    .then(
      ({ rows }) => rows[0],
      (error: unknown) => console.error(`${ORDER_UPDATED} for ${orderId} not published`, error),
    );
  if (!order) return;
  const parties = order.seller_id ? [order.buyer_id, order.seller_id] : [order.buyer_id];
  await publishStatus([...parties.map(userChannel), ADMINS_CHANNEL], ORDER_UPDATED, { id: orderId, status: order.status });
}
