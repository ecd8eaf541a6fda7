import { z } from "zod";
import type { TIP_RECEIVED } from "@/server/services/tips";

/** The server's event name, checked against its constant at compile time without bundling server code. */
export const TIP_RECEIVED_EVENT: typeof TIP_RECEIVED = "tip.received";

const credits = z
  .string()
  .regex(/^\d+$/)
  .transform((value) => BigInt(value));

const tipReceivedSchema = z.object({
  transactionId: z.string(),
  fromDisplayName: z.string(),
  amount: credits,
  net: credits,
  message: z.string().nullable(),
});

export type TipReceived = z.output<typeof tipReceivedSchema>;

/** A `tip.received` event's tip (amounts travel as strings), or null for anything else. */
export function tipFromEvent(event: string, data: unknown): TipReceived | null {
  if (event !== TIP_RECEIVED_EVENT) return null;
  const parsed = tipReceivedSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}
