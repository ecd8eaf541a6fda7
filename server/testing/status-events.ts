import type { Mock } from "vitest";
import { pool } from "@/server/db/client";

/**
 * Status events (sent through the outbox) as a test sees them through a mocked `pusherServer.trigger`: each with
 * its channels, the status it announced, and whether that change was committed when the event went out, as
 * another connection sees it: an event about a change that could still roll back would be a lie.
 */
export interface SeenStatusEvent {
  channels: string[];
  status: string;
  committed: boolean;
}

/** Where each kind of status change is recorded, one row per status reached. */
const HISTORY = {
  "withdrawal.updated": "SELECT 1 FROM withdrawal_events WHERE withdrawal_id = $1 AND to_status::text = $2",
  "order.updated": "SELECT 1 FROM store_order_events WHERE order_id = $1 AND status::text = $2",
} as const;

/** Makes `trigger` record every `event` it is given; the returned function lists those about one id, in order. */
export function recordStatusEvents(trigger: Mock, event: keyof typeof HISTORY): (id: string) => SeenStatusEvent[] {
  const seen: Array<{ id: string; event: SeenStatusEvent }> = [];
  trigger.mockImplementation(async (channels: string | string[], name: string, payload: { id: string; status: string }) => {
    if (name !== event) return {};
    const { rowCount } = await pool.query(HISTORY[event], [payload.id, payload.status]);
    seen.push({ id: payload.id, event: { channels: [channels].flat(), status: payload.status, committed: (rowCount ?? 0) > 0 } });
    return {};
  });
  return (id) => seen.filter((entry) => entry.id === id).map((entry) => entry.event);
}
