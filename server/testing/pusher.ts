/**
 * A `pusherServer` for tests that mock the Pusher integration with one `trigger` function: the relay's batch calls
 * reach it one event at a time, as `trigger(channel, event, data)`, so a test sees every event in the order it was
 * published whichever call carried it.
 */
export function pusherServerCalling(trigger: (channels: string | string[], event: string, data: unknown) => unknown) {
  return {
    trigger,
    async triggerBatch(events: ReadonlyArray<{ channel: string; name: string; data: unknown }>) {
      for (const event of events) await trigger(event.channel, event.name, event.data);
      return {};
    },
  };
}
