import "server-only";
import type { Queryable } from "@/server/db/transaction";
import type { WalletUpdatedPayload } from "@/server/domain/realtime-events";
import { type WalletBalances, walletBalancesOf } from "@/server/ledger/balances";

/**
 * Users' balances as they are now, as the wallet.updated event carries them, by user id, read in one statement
 * however many users. The names, channels and payloads of every event are in server/domain/realtime-events.ts;
 * this is the one payload read from the database at delivery.
 */
export async function walletUpdatedPayloads(db: Queryable, userIds: readonly string[]): Promise<Map<string, WalletUpdatedPayload>> {
  const balances = await walletBalancesOf(db, userIds);
  return new Map(userIds.map((userId) => [userId, payloadOf(balances.get(userId))]));
}

function payloadOf(balances: WalletBalances | undefined): WalletUpdatedPayload {
  return {
    available: (balances?.available ?? 0n).toString(),
    earnings: (balances?.earnings ?? 0n).toString(),
    wallets: Object.fromEntries(Object.entries(balances?.wallets ?? {}).map(([walletTypeId, balance]) => [walletTypeId, balance.toString()])),
    pending: (balances?.pending ?? 0n).toString(),
    held: (balances?.held ?? 0n).toString(),
    restricted: balances?.restricted ?? false,
  };
}
