import { z } from "zod";
import type { SHOW_ENDED, SHOW_REQUESTED, SHOW_UPDATED } from "@/server/services/shows";

/** The server's event names, checked against its constants at compile time without bundling server code. */
export const SHOW_REQUESTED_EVENT: typeof SHOW_REQUESTED = "show.requested";
export const SHOW_UPDATED_EVENT: typeof SHOW_UPDATED = "show.updated";
export const SHOW_ENDED_EVENT: typeof SHOW_ENDED = "show.ended";

const showEventSchema = z.object({ showId: z.string() });
const showEndedSchema = showEventSchema.extend({
  reason: z.string().nullable(),
  charged: z
    .string()
    .regex(/^\d+$/)
    .transform((value) => BigInt(value)),
});

export type ShowEvent =
  | { type: "requested" | "updated"; showId: string }
  | { type: "ended"; showId: string; reason: string | null; charged: bigint };

/**
 * A show event on the viewer's private channel, or null for anything else. Only the show it is about is read:
 * the panel then refetches the meter, which carries amounts with their types.
 */
export function showEventFrom(event: string, data: unknown): ShowEvent | null {
  if (event === SHOW_ENDED_EVENT) {
    const parsed = showEndedSchema.safeParse(data);
    return parsed.success ? { type: "ended", ...parsed.data } : null;
  }
  const type = event === SHOW_REQUESTED_EVENT ? "requested" : event === SHOW_UPDATED_EVENT ? "updated" : null;
  if (!type) return null;
  const parsed = showEventSchema.safeParse(data);
  return parsed.success ? { type, showId: parsed.data.showId } : null;
}
