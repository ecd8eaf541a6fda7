import "server-only";
import { z } from "zod";
import { pool, prisma } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type RoomEntry, type ShowTerms, effectiveTerms } from "@/server/domain/rooms";
import type { MeterControl, RoomAccess, Role } from "@/server/generated/prisma/enums";
import { enqueue, transactionTag } from "@/server/outbox/messages";
import { getSetting } from "../settings/settings";
import { endShowsForPerformer } from "../shows/sweep";
import { activeRestrictions } from "./moderation";
import { roomStatusMessage } from "./notices";
import { lockRoomState, setRoomOnlineState } from "./queries";
import { NEW_ROOM, type RoomActor, canEnterRoom, overridesOf } from "./room-access";

/**
 * A performer's live room as visitors meet it: the room page's view, the presence channel's authorization, and the
 * performer opening or closing it. A room row is created lazily on the first write; until then the room is public,
 * offline and uses the admin defaults. Settings are in room-settings.ts, chat in chat.ts, bans in moderation.ts.
 */

interface RoomPerformer {
  id: string;
  username: string;
  stageName: string;
}

async function findRoomPerformer(username: string): Promise<RoomPerformer> {
  const performer = await prisma.user.findFirst({
    where: { username: username.toLowerCase(), role: "PERFORMER", status: "ACTIVE", performerProfile: { status: "APPROVED" } },
    select: { id: true, username: true, performerProfile: { select: { stageName: true } } },
  });
  if (!performer?.performerProfile) throw new DomainError("NOT_FOUND", "No performer goes by that name.");
  return { id: performer.id, username: performer.username, stageName: performer.performerProfile.stageName };
}

/** What the user's presence looks like to everyone else in the room, once they may enter. */
export interface RoomPresence {
  user_id: string;
  user_info: { name: string; role: Role };
}

/** The channel-authorization decision for `presence-room-<performerId>`, with the member data others will see. */
export async function roomPresenceFor(
  db: Queryable,
  performerId: string,
  user: { id: string; role: Role; displayName: string },
): Promise<{ ok: true; presence: RoomPresence } | { ok: false; reason: string }> {
  const entry = await canEnterRoom(db, performerId, user.id);
  if (!entry.ok) return entry;
  let name = user.displayName;
  if (performerId === user.id) {
    const profile = await prisma.performerProfile.findUnique({ where: { userId: user.id }, select: { stageName: true } });
    name = profile?.stageName ?? name;
  }
  return { ok: true, presence: { user_id: user.id, user_info: { name, role: user.role } } };
}

export const roomByUsernameSchema = z.object({ username: z.string().trim().min(1).max(64) });

export interface RoomView {
  performerId: string;
  username: string;
  stageName: string;
  online: boolean;
  onlineSince: Date | null;
  access: RoomAccess;
  canJoin: boolean;
  joinRefusal: string | null;
  meterControl: MeterControl;
  terms: ShowTerms;
  viewer: { id: string; role: Role; muted: boolean; removed: boolean } | null;
}

/** The room as the viewer (or a signed-out visitor) sees it. */
export async function getRoom(viewer: RoomActor | null, input: z.input<typeof roomByUsernameSchema>): Promise<RoomView> {
  const { username } = roomByUsernameSchema.parse(input);
  const performer = await findRoomPerformer(username);
  const [room, defaults, entry, restrictions] = await Promise.all([
    prisma.room.findUnique({ where: { performerId: performer.id } }),
    getSetting(pool, "shows"),
    viewer ? canEnterRoom(pool, performer.id, viewer.id) : Promise.resolve<RoomEntry>({ ok: false, reason: "Sign in to join the room." }),
    viewer ? activeRestrictions(performer.id, viewer.id) : Promise.resolve(null),
  ]);
  const row = room ?? NEW_ROOM;
  return {
    performerId: performer.id,
    username: performer.username,
    stageName: performer.stageName,
    online: row.online,
    onlineSince: row.onlineSince,
    access: row.access,
    canJoin: entry.ok,
    joinRefusal: entry.ok ? null : entry.reason,
    meterControl: row.meterControl,
    terms: effectiveTerms(overridesOf(row), defaults),
    viewer: viewer && restrictions ? { id: viewer.id, role: viewer.role, ...restrictions } : null,
  };
}

export const setOnlineSchema = z.object({ online: z.boolean() });

/**
 * The performer opens or closes their room. Closing it ends their live shows (settled by the shows service);
 * a retry after a failure there runs the ending again, which is idempotent.
 */
export async function setRoomOnline(performer: RoomActor, input: z.input<typeof setOnlineSchema>): Promise<{ online: boolean; onlineSince: Date | null }> {
  const { online } = setOnlineSchema.parse(input);
  const state = await withTransaction(pool, async (db) => {
    await lockRoomState(db, performer.id);
    const row = await setRoomOnlineState(db, performer.id, online);
    if (!row) throw new Error(`room of ${performer.id} not updated`);
    await enqueue(db, [roomStatusMessage(performer.id, await transactionTag(db), online)]);
    return { online: row.online, onlineSince: row.online_since };
  });
  if (!online) await endShowsForPerformer(performer.id, "performer_offline");
  return state;
}
