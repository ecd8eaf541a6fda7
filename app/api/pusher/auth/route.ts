import type { NextRequest } from "next/server";
import { resolveSession } from "@/server/auth/session-token";
import { authorizeChannel, userChannel } from "@/server/integrations/pusher";

export const dynamic = "force-dynamic";

function refuse(status: 400 | 401 | 403, error: string): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

/** pusher-js posts a urlencoded form; anything that doesn't carry both fields is not a channel request. */
async function readChannelRequest(request: NextRequest): Promise<{ socketId: string; channel: string } | null> {
  const form = new URLSearchParams(await request.text().catch(() => ""));
  const socketId = form.get("socket_id");
  const channel = form.get("channel_name");
  return socketId && channel ? { socketId, channel } : null;
}

/**
 * Signs pusher-js's subscription to a private channel. A signed-in, active user may join only their own
 * `private-user-<id>` channel; presence rooms are refused until rooms exist.
 */
export async function POST(request: NextRequest): Promise<Response> {
  const session = await resolveSession(request.cookies);
  if (session.status !== "active") return refuse(401, "Sign in to receive live updates.");

  const channelRequest = await readChannelRequest(request);
  if (!channelRequest) return refuse(400, "Expected socket_id and channel_name.");
  if (channelRequest.channel !== userChannel(session.user.id)) return refuse(403, "You may not join that channel.");

  return signSubscription(channelRequest.socketId, channelRequest.channel);
}

/** The signature pusher-js expects; the library refuses a malformed socket id, which is the client's fault. */
function signSubscription(socketId: string, channel: string): Response {
  try {
    return Response.json(authorizeChannel(socketId, channel), { headers: { "Cache-Control": "no-store" } });
  } catch {
    return refuse(400, "Malformed socket id.");
  }
}
