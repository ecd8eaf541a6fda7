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

/**
 * `pusherServerCalling` that also answers the realtime server's presence lookup (`GET /channels/<name>/users`)
 * with the users `present` says are on that channel now: who has a room open, as a test arranges it.
 */
export function pusherServerWithPresence(
  trigger: (channels: string | string[], event: string, data: unknown) => unknown,
  present: (channel: string) => readonly string[],
) {
  return {
    ...pusherServerCalling(trigger),
    async get({ path }: { path: string }) {
      const channel = /^\/channels\/([^/]+)\/users$/.exec(path)?.[1];
      if (!channel) return new Response(null, { status: 404 });
      return Response.json({ users: present(decodeURIComponent(channel)).map((id) => ({ id })) });
    },
  };
}
