import type { NextRequest } from "next/server";
import type Pusher from "pusher";
import { refuse, routeHandler } from "@/server/api/route-handler";
import { pool } from "@/server/db/client";
import { ADMINS_CHANNEL, authorizeChannel, roomChannel, userChannel } from "@/server/integrations/pusher";
import { roomPresenceFor } from "@/server/services/rooms";

export const dynamic = "force-dynamic";

/** pusher-js posts a urlencoded form; anything that doesn't carry both fields is not a channel request. */
async function readChannelRequest(request: NextRequest): Promise<{ socketId: string; channel: string } | null> {
  const form = new URLSearchParams(await request.text().catch(() => ""));
  const socketId = form.get("socket_id");
  const channel = form.get("channel_name");
  return socketId && channel ? { socketId, channel } : null;
}

const ROOM_CHANNEL_PREFIX = roomChannel("");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Signs pusher-js's subscription to a private or presence channel. A signed-in, active user may join their own
 * `private-user-<id>` channel, an admin the admins' `private-admins`, and a performer's `presence-room-<performerId>` when the room lets them in
 * (server/services/rooms/room-access.ts canEnterRoom: not removed, membership or paid access as the room requires); the
 * presence data shows them to the room by name and role.
 */
export const POST = routeHandler({ who: "signed-in", signInMessage: "Sign in to receive live updates." }, async (request, { user }) => {
  const channelRequest = await readChannelRequest(request);
  if (!channelRequest) return refuse(400, "Expected socket_id and channel_name.");
  const { socketId, channel } = channelRequest;
  if (channel === userChannel(user.id)) return signSubscription(socketId, channel);
  if (channel === ADMINS_CHANNEL) return user.role === "ADMIN" ? signSubscription(socketId, channel) : refuse(403, "You may not join that channel.");

  const performerId = channel.startsWith(ROOM_CHANNEL_PREFIX) ? channel.slice(ROOM_CHANNEL_PREFIX.length) : null;
  if (performerId === null || !UUID.test(performerId)) return refuse(403, "You may not join that channel.");
  const entry = await roomPresenceFor(pool, performerId, user);
  if (!entry.ok) return refuse(403, entry.reason);
  return signSubscription(socketId, channel, entry.presence);
});

/** The signature pusher-js expects; the library refuses a malformed socket id, which is the client's fault. */
function signSubscription(socketId: string, channel: string, presence?: Pusher.PresenceChannelData): Response {
  try {
    return Response.json(authorizeChannel(socketId, channel, presence), { headers: { "Cache-Control": "no-store" } });
  } catch {
    return refuse(400, "Malformed socket id.");
  }
}
