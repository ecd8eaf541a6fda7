import type { ORDER_UPDATED, WITHDRAWAL_UPDATED } from "@/server/services/realtime";
import { SUBSCRIPTION_SUCCEEDED } from "./shared-pusher";

/** The server's event names, checked against its constants at compile time without bundling server code. */
export const WITHDRAWAL_UPDATED_EVENT: typeof WITHDRAWAL_UPDATED = "withdrawal.updated";
export const ORDER_UPDATED_EVENT: typeof ORDER_UPDATED = "order.updated";

export type StatusData = "withdrawals" | "orders";

/**
 * What a channel event makes stale. A (re)subscription makes everything stale: events sent while the tab was not
 * subscribed are lost.
 */
export function staleAfter(event: string): StatusData[] {
  if (event === WITHDRAWAL_UPDATED_EVENT) return ["withdrawals"];
  if (event === ORDER_UPDATED_EVENT) return ["orders"];
  if (event === SUBSCRIPTION_SUCCEEDED) return ["withdrawals", "orders"];
  return [];
}
