import type { Channel } from "pusher-js";
import { REALTIME_EVENT_NAMES, type RealtimeEventName, type RealtimePayload, realtimePayload } from "@/server/domain/realtime-events";

/** The part of a pusher-js channel that binding uses. */
export type BindableChannel = Pick<Channel, "bind" | "unbind">;

/** Handlers for some of the app's events, each given its event's payload. */
export type RealtimeHandlers = { [Name in RealtimeEventName]?: (payload: RealtimePayload<Name>) => void };

/**
 * Calls `handler` with each `name` event's payload, checked against the catalogue (server/domain/realtime-events.ts);
 * a payload that isn't what the event carries is dropped. Returns the unbinding.
 */
export function bindRealtime<Name extends RealtimeEventName>(
  channel: BindableChannel,
  name: Name,
  handler: (payload: RealtimePayload<Name>) => void,
): () => void {
  const listener = (data: unknown) => {
    const payload = realtimePayload(name, data);
    if (payload) handler(payload);
  };
  channel.bind(name, listener);
  return () => {
    channel.unbind(name, listener);
  };
}

/**
 * Binds every event of the catalogue to the handler `handlers()` names for it when the event arrives, so a
 * component can pass new handlers each render without rebinding. Returns the unbinding.
 */
export function bindRealtimeHandlers(channel: BindableChannel, handlers: () => RealtimeHandlers | undefined): () => void {
  const unbinds = REALTIME_EVENT_NAMES.map((name) => bindToHandler(channel, name, handlers));
  return () => {
    for (const unbind of unbinds) unbind();
  };
}

function bindToHandler<Name extends RealtimeEventName>(channel: BindableChannel, name: Name, handlers: () => RealtimeHandlers | undefined): () => void {
  return bindRealtime(channel, name, (payload) => handlers()?.[name]?.(payload));
}
