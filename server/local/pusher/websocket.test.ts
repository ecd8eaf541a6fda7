import PusherClient, { type Members, type PresenceChannel } from "pusher-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PusherServerHandle } from "./server";
import { connectClient, nextEvent, RawClient, record, serverLibrary, startTestServer, testApp } from "./testing";

let server: PusherServerHandle;
const clients: PusherClient[] = [];
const rawClients: RawClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const raw of rawClients.splice(0)) raw.close();
});

afterAll(async () => {
  await server.close();
});

function client(options?: Parameters<typeof connectClient>[1]): PusherClient {
  const created = connectClient(server, options);
  clients.push(created);
  return created;
}

function raw(path?: string): RawClient {
  const created = RawClient.connect(server, path);
  rawClients.push(created);
  return created;
}

/** Sends an event to the channel through the HTTP API and waits until `receiver` has it: everything the server
 * sent that receiver before has arrived by then. */
async function fence(channelName: string, receiver: PusherClient): Promise<void> {
  const arrived = nextEvent(receiver.channel(channelName), "fence");
  await serverLibrary(server).trigger(channelName, "fence", {});
  await arrived;
}

describe("connection", () => {
  it("establishes with a Pusher-style socket id and an activity timeout", async () => {
    const socket = raw();
    const established = await socket.next("pusher:connection_established");
    const data = JSON.parse(established.data as string) as { socket_id: string; activity_timeout: number };
    expect(data.socket_id).toMatch(/^\d+\.\d+$/);
    expect(data.activity_timeout).toBe(120);
  });

  it("answers pusher:ping with pusher:pong", async () => {
    const socket = raw();
    await socket.established();
    socket.send({ event: "pusher:ping", data: {} });
    expect((await socket.next("pusher:pong")).event).toBe("pusher:pong");
  });

  it.each([
    ["an unknown app key", 4001, "/app/wrong-key?protocol=7"],
    ["no protocol version", 4008, `/app/${testApp.key}`],
    ["a malformed protocol version", 4006, `/app/${testApp.key}?protocol=seven`],
    ["an unsupported protocol version", 4007, `/app/${testApp.key}?protocol=4`],
    ["a path outside /app/<key>", 4005, "/socket"],
  ])("refuses %s with pusher:error and close code %i", async (_case, code, path) => {
    const socket = raw(path);
    const error = await socket.next("pusher:error");
    expect(error.data).toMatchObject({ code });
    expect((await socket.closed).code).toBe(code);
  });

  it("reports an unknown key to pusher-js as error 4001", async () => {
    const { hostname, port } = new URL(server.url);
    const wrongKey = new PusherClient("not-the-key", { cluster: "local", wsHost: hostname, wsPort: Number(port), forceTLS: false, enabledTransports: ["ws"] });
    clients.push(wrongKey);
    const [failure] = await nextEvent<[{ error: { data: { code: number } } }]>(wrongKey.connection, "error");
    expect(failure.error.data.code).toBe(4001);
    expect(wrongKey.connection.state).toBe("disconnected");
  });
});

describe("public channels", () => {
  it("delivers an event triggered with the pusher library to a pusher-js subscriber", async () => {
    const subscriber = client();
    const channel = subscriber.subscribe("news");
    await nextEvent(channel, "pusher:subscription_succeeded");

    const received = nextEvent(channel, "headline");
    await serverLibrary(server).trigger("news", "headline", { title: "Hello", amount: 12 });
    const [data] = await received;
    expect(data).toEqual({ title: "Hello", amount: 12 });
  });

  it("stops delivering after unsubscribe", async () => {
    const socket = raw();
    await socket.established();
    socket.send({ event: "pusher:subscribe", data: { channel: "ticker" } });
    await socket.next("pusher_internal:subscription_succeeded", "ticker");
    socket.send({ event: "pusher:unsubscribe", data: { channel: "ticker" } });
    socket.send({ event: "pusher:subscribe", data: { channel: "other" } });
    await socket.next("pusher_internal:subscription_succeeded", "other");

    await serverLibrary(server).trigger(["ticker", "other"], "tick", "1");
    await socket.next("tick", "other");
    expect(socket.pending("tick")).toEqual([]);
  });

  it("rejects an invalid channel name", async () => {
    const socket = raw();
    await socket.established();
    socket.send({ event: "pusher:subscribe", data: { channel: "bad name!" } });
    const error = await socket.next("pusher:subscription_error");
    expect(JSON.parse(error.data as string)).toMatchObject({ status: 400 });
  });
});

describe("private channels", () => {
  it("subscribes with an authorisation from the pusher library", async () => {
    const subscriber = client();
    const channel = subscriber.subscribe("private-user-42");
    await nextEvent(channel, "pusher:subscription_succeeded");

    const received = nextEvent(channel, "balance");
    await serverLibrary(server).trigger("private-user-42", "balance", { credits: 5 });
    const [data] = await received;
    expect(data).toEqual({ credits: 5 });
  });

  it("refuses an authorisation signed with another secret", async () => {
    const forger = client({ authSecret: "not-the-secret" });
    const channel = forger.subscribe("private-user-42");
    const [error] = await nextEvent<[{ type: string; status: number }]>(channel, "pusher:subscription_error");
    expect(error).toMatchObject({ type: "AuthError", status: 401 });
    expect(channel.subscribed).toBe(false);
  });

  it("refuses an authorisation issued for another socket", async () => {
    const victim = raw();
    const victimSocketId = await victim.established();
    const stolen = serverLibrary(server).authorizeChannel(victimSocketId, "private-user-7");

    const thief = raw();
    await thief.established();
    thief.send({ event: "pusher:subscribe", data: { channel: "private-user-7", auth: stolen.auth } });
    const error = await thief.next("pusher:subscription_error", "private-user-7");
    expect(JSON.parse(error.data as string)).toMatchObject({ type: "AuthError", status: 401 });
  });

  it("refuses a subscription without auth", async () => {
    const socket = raw();
    await socket.established();
    socket.send({ event: "pusher:subscribe", data: { channel: "private-user-9" } });
    const error = await socket.next("pusher:subscription_error", "private-user-9");
    expect(JSON.parse(error.data as string)).toMatchObject({ status: 401 });
  });
});

describe("presence channels", () => {
  const room = "presence-room-1";

  it("tracks members across clients, counting a user with several sockets once", async () => {
    const alice = client({ presence: { user_id: "alice", user_info: { name: "Alice" } } });
    const aliceChannel = alice.subscribe(room) as PresenceChannel;
    const [aliceMembers] = await nextEvent<[Members]>(aliceChannel, "pusher:subscription_succeeded");
    expect(aliceMembers.count).toBe(1);
    expect(aliceMembers.me).toEqual({ id: "alice", info: { name: "Alice" } });
    const added = record<{ id: string; info: unknown }>(aliceChannel, "pusher:member_added");
    const removed = record<{ id: string }>(aliceChannel, "pusher:member_removed");

    const bob = client({ presence: { user_id: "bob", user_info: { name: "Bob" } } });
    const bobChannel = bob.subscribe(room) as PresenceChannel;
    const bobAdded = nextEvent(aliceChannel, "pusher:member_added");
    const [bobMembers] = await nextEvent<[Members]>(bobChannel, "pusher:subscription_succeeded");
    expect(bobMembers.count).toBe(2);
    expect(bobMembers.get("alice")).toEqual({ id: "alice", info: { name: "Alice" } });
    expect(await bobAdded).toEqual([{ id: "bob", info: { name: "Bob" } }]);

    const aliceAgain = client({ presence: { user_id: "alice", user_info: { name: "Alice" } } });
    const [secondSocketMembers] = await nextEvent<[Members]>(aliceAgain.subscribe(room), "pusher:subscription_succeeded");
    expect(secondSocketMembers.count).toBe(2);
    await fence(room, alice);
    expect(added.map((member) => member.id)).toEqual(["bob"]);
    expect(aliceChannel.members.count).toBe(2);

    const users = await serverLibrary(server).get({ path: `/channels/${room}/users` });
    expect(await users.json()).toEqual({ users: [{ id: "alice" }, { id: "bob" }] });

    // Alice's second socket leaving keeps Alice in the room.
    aliceAgain.disconnect();
    await expect
      .poll(async () => (await (await serverLibrary(server).get({ path: `/channels/${room}`, params: { info: "subscription_count" } })).json()) as unknown)
      .toEqual({ occupied: true, subscription_count: 2 });
    await fence(room, alice);
    expect(removed).toEqual([]);

    const bobRemoved = nextEvent(aliceChannel, "pusher:member_removed");
    bob.disconnect();
    expect(await bobRemoved).toEqual([{ id: "bob", info: { name: "Bob" } }]);
    expect(aliceChannel.members.count).toBe(1);
  });

  it("refuses channel_data that differs from what was signed", async () => {
    const socket = raw();
    const socketId = await socket.established();
    const signed = serverLibrary(server).authorizeChannel(socketId, "presence-room-2", { user_id: "member1" });
    socket.send({
      event: "pusher:subscribe",
      data: { channel: "presence-room-2", auth: signed.auth, channel_data: JSON.stringify({ user_id: "admin" }) },
    });
    const error = await socket.next("pusher:subscription_error", "presence-room-2");
    expect(JSON.parse(error.data as string)).toMatchObject({ type: "AuthError", status: 401 });
  });

  it("refuses a presence subscription without channel_data", async () => {
    const socket = raw();
    const socketId = await socket.established();
    const signed = serverLibrary(server).authorizeChannel(socketId, "presence-room-3");
    socket.send({ event: "pusher:subscribe", data: { channel: "presence-room-3", auth: signed.auth } });
    const error = await socket.next("pusher:subscription_error", "presence-room-3");
    expect(JSON.parse(error.data as string)).toMatchObject({ status: 400 });
  });
});

describe("client events", () => {
  it("reach the other subscribers of a private channel but not the sender", async () => {
    const sender = client();
    const receiver = client();
    const senderChannel = sender.subscribe("private-chat");
    const receiverChannel = receiver.subscribe("private-chat");
    await Promise.all([
      nextEvent(senderChannel, "pusher:subscription_succeeded"),
      nextEvent(receiverChannel, "pusher:subscription_succeeded"),
    ]);
    const echoed = record(senderChannel, "client-typing");

    const received = nextEvent(receiverChannel, "client-typing");
    expect(senderChannel.trigger("client-typing", { text: "hi" })).toBe(true);
    expect(await received).toEqual([{ text: "hi" }, {}]);

    await fence("private-chat", sender);
    expect(echoed).toEqual([]);
  });

  it("carry the sender's user id on presence channels", async () => {
    const alice = client({ presence: { user_id: "alice" } });
    const bob = client({ presence: { user_id: "bob" } });
    const aliceChannel = alice.subscribe("presence-chat");
    await nextEvent(aliceChannel, "pusher:subscription_succeeded");
    const bobChannel = bob.subscribe("presence-chat");
    await nextEvent(bobChannel, "pusher:subscription_succeeded");

    const received = nextEvent(bobChannel, "client-wave");
    aliceChannel.trigger("client-wave", { emoji: "wave" });
    expect(await received).toEqual([{ emoji: "wave" }, { user_id: "alice" }]);
  });

  it("are refused on public channels and channels the socket has not joined", async () => {
    const socket = raw();
    await socket.established();
    socket.send({ event: "pusher:subscribe", data: { channel: "lobby" } });
    await socket.next("pusher_internal:subscription_succeeded", "lobby");

    socket.send({ event: "client-shout", channel: "lobby", data: {} });
    expect((await socket.next("pusher:error")).data).toMatchObject({ message: expect.stringContaining("private and presence") });
    socket.send({ event: "client-shout", channel: "private-elsewhere", data: {} });
    expect((await socket.next("pusher:error")).data).toMatchObject({ message: expect.stringContaining("not subscribed") });
  });

  it("are rate limited per connection with error 4301", async () => {
    const sender = raw();
    const senderId = await sender.established();
    const receiver = raw();
    const receiverId = await receiver.established();
    const library = serverLibrary(server);
    for (const [socket, socketId] of [[sender, senderId], [receiver, receiverId]] as const) {
      socket.send({ event: "pusher:subscribe", data: { channel: "private-flood", auth: library.authorizeChannel(socketId, "private-flood").auth } });
      await socket.next("pusher_internal:subscription_succeeded", "private-flood");
    }

    for (let index = 0; index < 25; index += 1) sender.send({ event: "client-spam", channel: "private-flood", data: { index } });
    const error = await sender.next("pusher:error");
    expect(error.data).toMatchObject({ code: 4301 });
    await receiver.next("client-spam", "private-flood");
  });
});

describe("user authentication", () => {
  it("signs in with the pusher library's authenticateUser and receives sendToUser events", async () => {
    const member = client({ user: { id: "member-7", user_info: { name: "Member 7" } } });
    member.signin();
    const notified = nextEvent(member.user, "notice");
    await expect.poll(() => member.user.serverToUserChannel?.subscribed ?? false).toBe(true);
    await serverLibrary(server).sendToUser("member-7", "notice", { text: "tip received" });
    const [data] = await notified;
    expect(data).toEqual({ text: "tip received" });

    // Signed in, presence needs no channel_data: the member is the signed-in user.
    const [members] = await nextEvent<[Members]>(member.subscribe("presence-room-signed"), "pusher:subscription_succeeded");
    expect(members.me).toEqual({ id: "member-7", info: { name: "Member 7" } });
  });

  it("closes the connection with 4009 on a forged signin", async () => {
    const socket = raw();
    const socketId = await socket.established();
    const forged = serverLibrary(server, "not-the-secret").authenticateUser(socketId, { id: "admin" });
    socket.send({ event: "pusher:signin", data: forged });
    expect((await socket.next("pusher:error")).data).toMatchObject({ code: 4009 });
    expect((await socket.closed).code).toBe(4009);
  });

  it("keeps other connections out of a user's #server-to-user channel", async () => {
    const socket = raw();
    const socketId = await socket.established();
    socket.send({ event: "pusher:signin", data: serverLibrary(server).authenticateUser(socketId, { id: "eve" }) });
    await socket.next("pusher:signin_success");
    socket.send({ event: "pusher:subscribe", data: { channel: "#server-to-user-bob" } });
    const error = await socket.next("pusher:subscription_error", "#server-to-user-bob");
    expect(JSON.parse(error.data as string)).toMatchObject({ type: "AuthError", status: 401 });
  });
});

describe("idle connections", () => {
  it("are pinged after the activity timeout and closed with 4201 when they do not answer", async () => {
    const impatient = await startTestServer({ activityTimeoutSeconds: 1, pongTimeoutSeconds: 1 });
    try {
      const socket = RawClient.connect(impatient);
      const established = await socket.next("pusher:connection_established");
      expect(JSON.parse(established.data as string)).toMatchObject({ activity_timeout: 1 });
      await socket.next("pusher:ping");
      expect(await socket.closed).toMatchObject({ code: 4201 });
    } finally {
      await impatient.close();
    }
  });

  it("stay open when they answer the server's ping", async () => {
    const impatient = await startTestServer({ activityTimeoutSeconds: 1, pongTimeoutSeconds: 1 });
    try {
      const socket = RawClient.connect(impatient);
      await socket.established();
      for (let round = 0; round < 2; round += 1) {
        await socket.next("pusher:ping");
        socket.send({ event: "pusher:pong", data: {} });
      }
      socket.send({ event: "pusher:ping", data: {} });
      await socket.next("pusher:pong");
      socket.close();
      expect((await socket.closed).code).toBe(1005);
    } finally {
      await impatient.close();
    }
  });
});
