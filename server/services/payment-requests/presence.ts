import "server-only";
import { z } from "zod";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { roomChannel } from "@/server/domain/realtime-events";
import { pusherServer } from "@/server/integrations/pusher";
import { canEnterRoom } from "../rooms/room-access";
import { selectInLiveShow, selectRoomOnline } from "./queries";

/**
 * Whether a member is in a performer's room now, as a payment request needs it: allowed in (not removed, the
 * room's access rules) and either taking part in a live show of the performer, or present on the room's presence
 * channel while the room is live. Presence is the realtime server's: who has the room open right now.
 */

const presenceUsersSchema = z.object({ users: z.array(z.object({ id: z.string() })) });

async function presentOnChannel(performerId: string, memberId: string): Promise<boolean> {
  let body: unknown;
  try {
    const response = await pusherServer.get({ path: `/channels/${roomChannel(performerId)}/users` });
    if (!response.ok) throw new Error(`presence lookup answered ${response.status}`);
    body = await response.json();
  } catch (error) {
    console.error(`[payment requests] who is in the room of ${performerId} could not be read`, error);
    throw new DomainError("PRECONDITION_FAILED", "We couldn't check who is in your room just now. Try again in a moment.");
  }
  const parsed = presenceUsersSchema.safeParse(body);
  return parsed.success && parsed.data.users.some((user) => user.id === memberId);
}

export async function isInRoom(db: Queryable, performerId: string, memberId: string): Promise<boolean> {
  const entry = await canEnterRoom(db, performerId, memberId);
  if (!entry.ok) return false;
  if (await selectInLiveShow(db, performerId, memberId)) return true;
  return (await selectRoomOnline(db, performerId)) && (await presentOnChannel(performerId, memberId));
}
