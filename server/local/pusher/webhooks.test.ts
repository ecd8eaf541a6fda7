import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import PusherLibrary from "pusher";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PusherServerHandle } from "./server";
import { connectClient, nextEvent, startTestServer, testApp } from "./testing";

interface Delivery {
  headers: IncomingHttpHeaders;
  rawBody: string;
  answeredWith: number;
}

/** A webhook receiver that fails the first delivery, so the retry is exercised. */
let receiver: Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];
let server: PusherServerHandle;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answeredWith = deliveries.length === 0 ? 500 : 200;
      deliveries.push({ headers: request.headers, rawBody: Buffer.concat(chunks).toString("utf8"), answeredWith });
      response.writeHead(answeredWith).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pusher/webhooks`;
  server = await startTestServer({ webhookUrl: receiverUrl });
});

afterAll(async () => {
  await server.close();
  await new Promise((resolve) => receiver.close(resolve));
});

interface ReceivedEvent {
  name: string;
  channel: string;
  user_id?: string;
  event?: string;
  data?: string;
  socket_id?: string;
}

function acceptedEvents(): ReceivedEvent[] {
  return deliveries
    .filter((delivery) => delivery.answeredWith === 200)
    .flatMap((delivery) => (JSON.parse(delivery.rawBody) as { events: ReceivedEvent[] }).events);
}

it("posts signed, batched webhooks for channel existence, presence and client events, retrying failures", async () => {
  const room = "presence-room-hooks";
  const alice = connectClient(server, { presence: { user_id: "alice" } });
  const bob = connectClient(server, { presence: { user_id: "bob" } });
  const aliceChannel = alice.subscribe(room);
  await nextEvent(aliceChannel, "pusher:subscription_succeeded");
  const bobChannel = bob.subscribe(room);
  await nextEvent(bobChannel, "pusher:subscription_succeeded");
  const waved = nextEvent(aliceChannel, "client-wave");
  bobChannel.trigger("client-wave", { hello: true });
  await waved;
  const bobSocketId = bob.connection.socket_id;
  bob.disconnect();
  alice.disconnect();

  // Seven events in all; the first batch arrives late, after its retry.
  await expect.poll(() => acceptedEvents().length, { timeout: 10_000 }).toBe(7);

  const verifier = new PusherLibrary({ appId: testApp.appId, key: testApp.key, secret: testApp.secret, cluster: "local" });
  for (const delivery of deliveries) {
    expect(delivery.headers["x-pusher-key"]).toBe(testApp.key);
    expect(verifier.webhook({ headers: delivery.headers, rawBody: delivery.rawBody }).isValid()).toBe(true);
  }
  const first = deliveries[0];
  if (!first) throw new Error("no webhook delivered");
  expect(first.answeredWith).toBe(500);
  expect(deliveries.filter((delivery) => delivery.rawBody === first.rawBody).map((delivery) => delivery.answeredWith)).toEqual([500, 200]);
  expect(verifier.webhook({ headers: first.headers, rawBody: first.rawBody.replace("presence", "private") }).isValid()).toBe(false);

  const events = acceptedEvents();
  expect(events).toEqual(
    expect.arrayContaining([
      { name: "channel_occupied", channel: room },
      { name: "member_added", channel: room, user_id: "alice" },
      { name: "member_added", channel: room, user_id: "bob" },
      { name: "client_event", channel: room, event: "client-wave", data: JSON.stringify({ hello: true }), socket_id: bobSocketId, user_id: "bob" },
      { name: "member_removed", channel: room, user_id: "bob" },
      { name: "member_removed", channel: room, user_id: "alice" },
      { name: "channel_vacated", channel: room },
    ]),
  );
  expect(deliveries.filter((delivery) => delivery.answeredWith === 200).length).toBeLessThan(7);
});
