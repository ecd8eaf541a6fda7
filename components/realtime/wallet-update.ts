import type { WalletUpdatedPayload } from "@/server/domain/realtime-events";
import type { WalletBalances } from "@/server/services/wallet";

/** The balances a `wallet.updated` event carries, as exact bigints (amounts travel as strings). */
export function balancesFromWalletUpdate(payload: WalletUpdatedPayload): WalletBalances {
  return {
    available: BigInt(payload.available),
    earnings: BigInt(payload.earnings),
    pending: BigInt(payload.pending),
    held: BigInt(payload.held),
    restricted: payload.restricted,
    wallets: Object.fromEntries(Object.entries(payload.wallets).map(([walletTypeId, balance]) => [walletTypeId, BigInt(balance)])),
  };
}
