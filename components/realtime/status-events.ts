import type { RealtimeEventName } from "@/server/domain/realtime-events";

export type StatusData = "withdrawals" | "orders";

/** What each status event makes stale. A (re)subscription makes everything stale: events sent meanwhile are lost. */
export const STATUS_EVENTS = {
  "withdrawal.updated": "withdrawals",
  "order.updated": "orders",
} as const satisfies Partial<Record<RealtimeEventName, StatusData>>;

export type StatusEvent = keyof typeof STATUS_EVENTS;
export const STATUS_DATA: readonly StatusData[] = Object.values(STATUS_EVENTS);
