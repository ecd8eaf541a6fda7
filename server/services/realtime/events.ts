import "server-only";
import type { Queryable } from "@/server/db/transaction";
import type { WalletUpdatedPayload } from "@/server/domain/realtime-events";
import { walletBalances } from "@/server/ledger/balances";

/**
 * The user's balances as they are now, as the wallet.updated event carries them. The names, channels and payloads
 * of every event are in server/domain/realtime-events.ts; this is the one payload read from the database at delivery.
 */
export async function walletUpdatedPayload(db: Queryable, userId: string): Promise<WalletUpdatedPayload> {
  const balances = await walletBalances(db, userId);
  return {
    available: balances.available.toString(),
    earnings: balances.earnings.toString(),
    wallets: Object.fromEntries(Object.entries(balances.wallets).map(([walletTypeId, balance]) => [walletTypeId, balance.toString()])),
    pending: balances.pending.toString(),
    held: balances.held.toString(),
    restricted: balances.restricted,
  };
}
