import PusherClient, { type Members } from "pusher-js";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PusherServerHandle } from "./server";
import { nextEvent, startTestServer, testApp } from "./testing";

/** server/integrations/pusher.ts configured from env the way dev and e2e configure it, against the local server. */

let server: PusherServerHandle;
let port: number;

beforeAll(async () => {
  server = await startTestServer();
  port = Number(new URL(server.url).port);
  Object.assign(process.env, {
    PUSHER_APP_ID: testApp.appId,
    PUSHER_KEY: testApp.key,
    PUSHER_SECRET: testApp.secret,
    PUSHER_CLUSTER: "local",
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(port),
    PUSHER_USE_TLS: "false",
  });
  // server/env.ts requires a database URL; nothing here connects to it.
  process.env.DATABASE_URL ??= "postgres://unused@127.0.0.1:1/unused";
});

afterAll(async () => {
  await server.close();
});

it("gives the browser a config for the local server and publishes through pusherServer", async () => {
  const { authorizeChannel, publicPusherConfig, pusherServer, roomChannel, userChannel } = await import("@/server/integrations/pusher");

  const config = publicPusherConfig();
  expect(config).toEqual({
    key: testApp.key,
    cluster: "local",
    wsHost: "127.0.0.1",
    wsPort: port,
    wssPort: port,
    forceTLS: false,
    enabledTransports: ["ws", "wss"],
  });

  const browser = new PusherClient(config.key, {
    ...config,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        const presence = channelName === roomChannel("performer-1") ? { user_id: "member-1", user_info: { name: "Member 1" } } : undefined;
        callback(null, authorizeChannel(socketId, channelName, presence));
      },
    },
  });
  try {
    const wallet = browser.subscribe(userChannel("member-1"));
    await nextEvent(wallet, "pusher:subscription_succeeded");
    const [members] = await nextEvent<[Members]>(browser.subscribe(roomChannel("performer-1")), "pusher:subscription_succeeded");
    expect(members.me).toEqual({ id: "member-1", info: { name: "Member 1" } });

    const received = nextEvent(wallet, "balance-changed");
    await pusherServer.trigger(userChannel("member-1"), "balance-changed", { balance: 120 });
    const [data] = await received;
    expect(data).toEqual({ balance: 120 });
  } finally {
    browser.disconnect();
  }
});

it("names channels the way the app subscribes to them", async () => {
  const { roomChannel, userChannel } = await import("@/server/integrations/pusher");
  expect(userChannel("ck1")).toBe("private-user-ck1");
  expect(roomChannel("ck2")).toBe("presence-room-ck2");
});
