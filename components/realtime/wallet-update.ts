import { z } from "zod";
import type { WALLET_UPDATED } from "@/server/services/realtime";
import type { WalletBalances } from "@/server/services/wallet";

/** The server's event name, checked against its constant at compile time without bundling server code. */
export const WALLET_UPDATED_EVENT: typeof WALLET_UPDATED = "wallet.updated";

const credits = z
  .string()
  .regex(/^-?\d+$/)
  .transform((value) => BigInt(value));

const walletUpdateSchema = z.object({ available: credits, pending: credits, held: credits, restricted: z.boolean() });

/** The balances a `wallet.updated` event carries (amounts travel as strings), or null for anything else. */
export function balancesFromWalletUpdate(data: unknown): WalletBalances | null {
  const parsed = walletUpdateSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}
