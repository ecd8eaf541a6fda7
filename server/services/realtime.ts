import { pool } from "@/server/db/client";
import { pusherServer, userChannel } from "@/server/integrations/pusher";
import { walletBalances } from "@/server/ledger/balances";

/** Event names on a member's private channel. */
export const WALLET_UPDATED = "wallet.updated";

export interface WalletUpdatedPayload {
  available: string;
  pending: string;
  held: string;
  restricted: boolean;
}

/**
 * Tells a user's open pages that their wallet changed, after the change committed. Best effort: a lost message
 * only delays the display, since pages also refetch when they regain focus or reconnect.
 */
export async function publishWalletUpdate(userId: string): Promise<void> {
  try {
    const balances = await walletBalances(pool, userId);
    const payload: WalletUpdatedPayload = {
      available: balances.available.toString(),
      pending: balances.pending.toString(),
      held: balances.held.toString(),
      restricted: balances.restricted,
    };
    await pusherServer.trigger(userChannel(userId), WALLET_UPDATED, payload);
  } catch (error) {
    console.error(`wallet update for ${userId} not published`, error);
  }
}
