import type { BindableChannel } from "./bind-realtime";

/** A channel that delivers what a test emits to what is bound, as pusher-js does: by event name. */
export function fakeChannel(): BindableChannel & { emit(event: string, data: unknown): void; bound(): number } {
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  const channel = {
    bind(event: string, listener: (data: unknown) => void) {
      listeners.set(event, (listeners.get(event) ?? new Set()).add(listener));
      return channel;
    },
    unbind(event?: string, listener?: (data: unknown) => void) {
      if (event && listener) listeners.get(event)?.delete(listener);
      return channel;
    },
    emit(event: string, data: unknown) {
      for (const listener of listeners.get(event) ?? []) listener(data);
    },
    bound() {
      return [...listeners.values()].reduce((sum, set) => sum + set.size, 0);
    },
  };
  return channel as unknown as ReturnType<typeof fakeChannel>;
}
