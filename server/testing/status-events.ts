import type { Mock } from "vitest";
import { pool } from "@/server/db/client";

/**
 * Status events (server/services/realtime.ts) as a test sees them through a mocked `pusherServer.trigger`: each
 * with its channels, the status it announced, and the status stored at that moment as another connection reads
 * it, which differs when the event was published before its change committed.
 */
export interface SeenStatusEvent {
  channels: string[];
  status: string;
  committed: string | null;
}

const TABLES = { "withdrawal.updated": "withdrawals", "order.updated": "store_orders" } as const;

/** Makes `trigger` record every `event` it is given; the returned function lists those about one id, in order. */
export function recordStatusEvents(trigger: Mock, event: keyof typeof TABLES): (id: string) => SeenStatusEvent[] {
  const seen: Array<{ id: string; event: SeenStatusEvent }> = [];
  trigger.mockImplementation(async (channels: string | string[], name: string, payload: { id: string; status: string }) => {
    if (name !== event) return {};
    const { rows } = await pool.query<{ status: string }>(`SELECT status FROM ${TABLES[event]} WHERE id = $1`, [payload.id]);
    seen.push({ id: payload.id, event: { channels: [channels].flat(), status: payload.status, committed: rows[0]?.status ?? null } });
    return {};
  });
  return (id) => seen.filter((entry) => entry.id === id).map((entry) => entry.event);
}
