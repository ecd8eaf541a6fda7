import type { TipReceivedPayload } from "@/server/domain/realtime-events";

export interface TipReceived {
  transactionId: string;
  fromDisplayName: string;
  amount: bigint;
  net: bigint;
  message: string | null;
}

/** A `tip.received` event's tip, with its amounts as exact bigints (they travel as strings). */
export function tipFromPayload({ transactionId, fromDisplayName, amount, net, message }: TipReceivedPayload): TipReceived {
  return { transactionId, fromDisplayName, amount: BigInt(amount), net: BigInt(net), message };
}
