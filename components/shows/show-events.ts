import type { RealtimeHandlers } from "@/components/realtime/bind-realtime";

export type ShowEvent =
  | { type: "requested" | "updated"; showId: string }
  | { type: "ended"; showId: string; reason: string | null; charged: bigint };

/**
 * Handlers for the show events on the viewer's private channel. Only the show an update is about is read: the
 * panel then refetches the meter, which carries amounts with their types.
 */
export function showEventHandlers(onShowEvent: (event: ShowEvent) => void): RealtimeHandlers {
  return {
    "show.requested": ({ showId }) => onShowEvent({ type: "requested", showId }),
    "show.updated": ({ showId }) => onShowEvent({ type: "updated", showId }),
    "show.ended": ({ showId, reason, charged }) => onShowEvent({ type: "ended", showId, reason, charged: BigInt(charged) }),
  };
}
