import "server-only";
import type { RealtimeChannel, RealtimeEventName, RealtimePayload } from "@/server/domain/realtime-events";
import type { OutboxMessage } from "./messages";

/**
 * The one way to write a realtime event to the outbox: its name picks the channels it may go on and the payload it
 * must carry (server/domain/realtime-events.ts), so the compiler refuses a payload that isn't its event's, and
 * lint refuses a realtime message built by hand anywhere else. The relay sends `payload` as it is written.
 */
export function realtimeEvent<Name extends RealtimeEventName>(
  key: string,
  channels: NoInfer<RealtimeChannel<Name>> | readonly NoInfer<RealtimeChannel<Name>>[],
  name: Name,
  payload: NoInfer<RealtimePayload<Name>>,
): Extract<OutboxMessage, { kind: "realtime" }> {
  return { key, kind: "realtime", channels: typeof channels === "string" ? [channels] : [...channels], event: name, data: payload };
}
