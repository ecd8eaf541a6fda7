import "server-only";
import { z } from "zod";
import type { Queryable } from "@/server/db/transaction";
import { type RoomEntry, type RoomTermOverrides, type ShowTerms, decideRoomEntry, effectiveTerms } from "@/server/domain/rooms";
import type { MeterControl, RoomAccess, Role } from "@/server/generated/prisma/enums";
import { hasPlanAccess } from "../memberships/access";
import { hasContentAccess } from "../content/access";
import { getSetting } from "../settings/settings";
import { type RoomState, selectEntryFacts, selectRoomState } from "./queries";

/**
 * Who may enter a performer's room and on what show terms: read by the room itself and by shows, which is why it
 * lives apart from both (rooms end shows when someone is removed; shows check entry and terms before starting).
 */

/** Who acts on a room. */
export interface RoomActor {
  id: string;
  role: Role;
}

export const roomSchema = z.object({ performerId: z.uuid() });

/** A room nobody has configured yet. */
export const NEW_ROOM: RoomState = {
  online: false,
  onlineSince: null,
  access: "PUBLIC",
  requiredPlanId: null,
  accessItemId: null,
  meterControl: "AUTOMATIC",
  privatePricePerMinute: null,
  groupPricePerMinute: null,
  freeSeconds: null,
  minimumMinutes: null,
  incrementSeconds: null,
};

/** The room's state, read with `db` (a show's transaction, say); a room with no row yet is NEW_ROOM. */
export async function loadRoomState(db: Queryable, performerId: string): Promise<RoomState> {
  return (await selectRoomState(db, performerId)) ?? NEW_ROOM;
}

export function overridesOf(room: RoomState): RoomTermOverrides {
  return {
    privatePricePerMinute: room.privatePricePerMinute,
    groupPricePerMinute: room.groupPricePerMinute,
    freeSeconds: room.freeSeconds,
    minimumMinutes: room.minimumMinutes,
    incrementSeconds: room.incrementSeconds,
  };
}

export interface RoomTerms {
  meterControl: MeterControl;
  terms: ShowTerms;
}

/** The room's show terms as a show starting now would use them: the performer's overrides, else the admin defaults. */
export async function loadRoomTerms(db: Queryable, performerId: string): Promise<RoomTerms> {
  // One after the other: `db` may be a transaction's client, which runs one query at a time.
  const room = await loadRoomState(db, performerId);
  const defaults = await getSetting(db, "shows");
  return { meterControl: room.meterControl, terms: effectiveTerms(overridesOf(room), defaults) };
}

/**
 * Whether a user may be in the performer's room (the presence channel, chat, shows). The performer and admins
 * always may; others not once removed, nor into a closed room, a membership-only room without a membership of its
 * plan, or a paid room without having unlocked its access item.
 */
export async function canEnterRoom(db: Queryable, performerId: string, userId: string): Promise<RoomEntry> {
  if (!z.uuid().safeParse(performerId).success || !z.uuid().safeParse(userId).success) {
    return { ok: false, reason: "There is no such room." };
  }
  const facts = await selectEntryFacts(db, performerId, userId);
  if (!facts) return { ok: false, reason: "Sign in to enter the room." };
  const access = facts.access ?? "PUBLIC";
  return decideRoomEntry({
    isRoomPerformer: performerId === userId,
    role: facts.role,
    performerAvailable: facts.performer_available === true,
    removed: facts.removed,
    access,
    accessGranted: await accessGranted(db, access, facts, userId),
    planName: facts.plan_name,
    accessItemTitle: facts.item_title,
  });
}

async function accessGranted(
  db: Queryable,
  access: RoomAccess,
  room: { required_plan_id: string | null; access_item_id: string | null },
  userId: string,
): Promise<boolean> {
  if (access === "MEMBERSHIP" && room.required_plan_id) return hasPlanAccess(db, userId, room.required_plan_id);
  if (access === "PAID" && room.access_item_id) return hasContentAccess(db, room.access_item_id, userId);
  return false;
}
