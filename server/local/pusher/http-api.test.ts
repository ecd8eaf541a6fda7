import type Pusher from "pusher";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PusherServerHandle } from "./server";
import { hmacSha256Hex, md5Hex } from "./signing";
import { RawClient, serverLibrary, startTestServer, testApp } from "./testing";

let server: PusherServerHandle;
let library: Pusher;
const sockets: RawClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  library = serverLibrary(server);
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

afterAll(async () => {
  await server.close();
});

/** A raw socket subscribed to `channel` (authorised through the pusher library when it is private/presence). */
async function subscriber(channel: string, presence?: Pusher.PresenceChannelData): Promise<{ socket: RawClient; socketId: string }> {
  const socket = RawClient.connect(server);
  sockets.push(socket);
  const socketId = await socket.established();
  const auth = channel.startsWith("private-") || channel.startsWith("presence-") ? library.authorizeChannel(socketId, channel, presence) : {};
  socket.send({ event: "pusher:subscribe", data: { channel, ...auth } });
  await socket.next("pusher_internal:subscription_succeeded", channel);
  return { socket, socketId };
}

async function statusOf(request: Promise<unknown>): Promise<number> {
  try {
    await request;
    return 200;
  } catch (error) {
    return (error as Pusher.RequestError).status ?? 0;
  }
}

/** Signs like the pusher library but with a chosen timestamp and body hash, to probe what the server checks. */
function handSignedUrl(path: string, body: string, options: { timestamp: number; bodyMd5?: string }): string {
  const query = `auth_key=${testApp.key}&auth_timestamp=${options.timestamp}&auth_version=1.0&body_md5=${options.bodyMd5 ?? md5Hex(body)}`;
  const signature = hmacSha256Hex(testApp.secret, `POST\n${path}\n${query}`);
  return `${server.url}${path}?${query}&auth_signature=${signature}`;
}

describe("events API", () => {
  it("publishes to every listed channel", async () => {
    const first = await subscriber("alerts-a");
    const second = await subscriber("alerts-b");
    await library.trigger(["alerts-a", "alerts-b"], "alert", { level: "high" });
    for (const [{ socket }, channel] of [[first, "alerts-a"], [second, "alerts-b"]] as const) {
      const message = await socket.next("alert", channel);
      expect(JSON.parse(message.data as string)).toEqual({ level: "high" });
    }
  });

  it("leaves out the connection named by socket_id", async () => {
    const excluded = await subscriber("updates");
    const included = await subscriber("updates");
    await library.trigger("updates", "changed", { version: 1 }, { socket_id: excluded.socketId });
    await library.trigger("updates", "fence", {});

    await included.socket.next("changed", "updates");
    await excluded.socket.next("fence", "updates");
    expect(excluded.socket.pending("changed")).toEqual([]);
  });

  it("publishes batches, honouring socket_id per event", async () => {
    const alice = await subscriber("private-user-alice");
    const bob = await subscriber("private-user-bob");
    await library.triggerBatch([
      { channel: "private-user-alice", name: "credited", data: { amount: 3 } },
      { channel: "private-user-bob", name: "credited", data: { amount: 4 }, socket_id: bob.socketId },
      { channel: "private-user-bob", name: "fence", data: {} },
    ]);
    expect(JSON.parse((await alice.socket.next("credited")).data as string)).toEqual({ amount: 3 });
    await bob.socket.next("fence");
    expect(bob.socket.pending("credited")).toEqual([]);
  });

  it("returns channel attributes when asked with info", async () => {
    await subscriber("presence-room-info", { user_id: "u1" });
    await subscriber("presence-room-info", { user_id: "u2" });
    const response = await library.trigger("presence-room-info", "ping", {}, { info: "user_count,subscription_count" });
    expect(await response.json()).toEqual({ channels: { "presence-room-info": { user_count: 2, subscription_count: 2 } } });
  });

  it("accepts data up to 10 KB and answers 413 above", async () => {
    const { socket } = await subscriber("large");
    const limit = "x".repeat(10 * 1024);
    await library.trigger("large", "big", limit);
    expect((await socket.next("big")).data).toBe(limit);
    expect(await statusOf(library.trigger("large", "big", `${limit}x`))).toBe(413);
  });

  it("rejects a request signed with the wrong secret with 401", async () => {
    const { socket } = await subscriber("guarded");
    const forger = serverLibrary(server, "not-the-secret");
    expect(await statusOf(forger.trigger("guarded", "forged", {}))).toBe(401);
    await library.trigger("guarded", "fence", {});
    await socket.next("fence");
    expect(socket.pending("forged")).toEqual([]);
  });

  it("rejects a timestamp more than 600 s away with 401", async () => {
    const body = JSON.stringify({ name: "late", channels: ["any"], data: "{}" });
    const path = `/apps/${testApp.appId}/events`;
    const now = Math.floor(Date.now() / 1000);
    const post = (url: string) => fetch(url, { method: "POST", body, headers: { "Content-Type": "application/json" } });
    expect((await post(handSignedUrl(path, body, { timestamp: now - 601 }))).status).toBe(401);
    expect((await post(handSignedUrl(path, body, { timestamp: now - 30 }))).status).toBe(200);
  });

  it("rejects a body that does not match body_md5 with 401", async () => {
    const path = `/apps/${testApp.appId}/events`;
    const signedBody = JSON.stringify({ name: "ok", channels: ["any"], data: "{}" });
    const url = handSignedUrl(path, signedBody, { timestamp: Math.floor(Date.now() / 1000) });
    const tampered = JSON.stringify({ name: "evil", channels: ["any"], data: "{}" });
    const response = await fetch(url, { method: "POST", body: tampered, headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(401);
  });

  it("answers 404 for another app id", async () => {
    const { hostname, port } = new URL(server.url);
    const { default: PusherLibrary } = await import("pusher");
    const otherApp = new PusherLibrary({ appId: "other-app", key: testApp.key, secret: testApp.secret, host: hostname, port, useTLS: false });
    expect(await statusOf(otherApp.trigger("any", "event", {}))).toBe(404);
  });

  it("rejects malformed events with 400", async () => {
    expect(await statusOf(library.post({ path: "/events", body: JSON.stringify({ name: "x" }) }))).toBe(400);
    expect(await statusOf(library.post({ path: "/events", body: JSON.stringify({ name: "x", channels: ["bad name"], data: "" }) }))).toBe(400);
  });
});

describe("channels API", () => {
  it("lists occupied channels with filter_by_prefix and info", async () => {
    await subscriber("lobby-list");
    await subscriber("presence-list-1", { user_id: "a" });
    await subscriber("presence-list-1", { user_id: "a" });
    await subscriber("presence-list-1", { user_id: "b" });

    const all = (await (await library.get({ path: "/channels" })).json()) as { channels: Record<string, unknown> };
    expect(all.channels).toMatchObject({ "lobby-list": {}, "presence-list-1": {} });

    const presence = await library.get({ path: "/channels", params: { filter_by_prefix: "presence-list-", info: "user_count" } });
    expect(await presence.json()).toEqual({ channels: { "presence-list-1": { user_count: 2 } } });

    expect(await statusOf(library.get({ path: "/channels", params: { info: "user_count" } }))).toBe(400);
  });

  it("describes one channel, occupied or not", async () => {
    await subscriber("presence-describe", { user_id: "a" });
    await subscriber("presence-describe", { user_id: "b" });
    const described = await library.get({ path: "/channels/presence-describe", params: { info: "user_count,subscription_count" } });
    expect(await described.json()).toEqual({ occupied: true, user_count: 2, subscription_count: 2 });

    const empty = await library.get({ path: "/channels/nobody-here" });
    expect(await empty.json()).toEqual({ occupied: false });
    expect(await statusOf(library.get({ path: "/channels/public-one", params: { info: "user_count" } }))).toBe(400);
  });

  it("lists the users of a presence channel and refuses other channels", async () => {
    await subscriber("presence-users", { user_id: "m1", user_info: { name: "Member 1" } });
    await subscriber("presence-users", { user_id: "m2" });
    const users = await library.get({ path: "/channels/presence-users/users" });
    expect(await users.json()).toEqual({ users: [{ id: "m1" }, { id: "m2" }] });
    expect(await statusOf(library.get({ path: "/channels/private-x/users" }))).toBe(400);
  });

  it("forgets a channel once its last subscriber leaves", async () => {
    const { socket } = await subscriber("short-lived");
    expect(await (await library.get({ path: "/channels/short-lived" })).json()).toEqual({ occupied: true });
    socket.close();
    await socket.closed;
    await expect.poll(async () => (await library.get({ path: "/channels/short-lived" })).json()).toEqual({ occupied: false });
  });
});
