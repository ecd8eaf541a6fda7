import "server-only";
import { z } from "zod";
import type { Queryable } from "@/server/db/transaction";
import { type RoomEntry, type RoomTermOverrides, type ShowTerms, decideRoomEntry, effectiveTerms } from "@/server/domain/rooms";
import type { MeterControl, RoomAccess, Role } from "@/server/generated/prisma/enums";
import { hasPlanAccess } from "../memberships/access";
import { hasContentAccess } from "../content/access";
import { getSetting } from "../settings/settings";

/**
 * Who may enter a performer's room and on what show terms: read by the room itself and by shows, which is why it
 * lives apart from both (rooms end shows when someone is removed; shows check entry and terms before starting).
 */

export const PERFORMER_IS_OPEN_SQL = `u.role = 'PERFORMER' AND u.status = 'ACTIVE' AND p.status = 'APPROVED'`;

export interface RoomRow {
  online: boolean;
  online_since: Date | null;
  access: RoomAccess;
  required_plan_id: string | null;
  access_item_id: string | null;
  meter_control: MeterControl;
  private_price_per_minute: string | null;
  group_price_per_minute: string | null;
  free_seconds: number | null;
  minimum_minutes: number | null;
  increment_seconds: number | null;
}

export const ROOM_COLUMNS = `online, online_since, access, required_plan_id, access_item_id, meter_control, private_price_per_minute,
  group_price_per_minute, free_seconds, minimum_minutes, increment_seconds`;

/** A room nobody has configured yet. */
export const NEW_ROOM: RoomRow = {
  online: false,
  online_since: null,
  access: "PUBLIC",
  required_plan_id: null,
  access_item_id: null,
  meter_control: "AUTOMATIC",
  private_price_per_minute: null,
  group_price_per_minute: null,
  free_seconds: null,
  minimum_minutes: null,
  increment_seconds: null,
};

export async function loadRoomRow(db: Queryable, performerId: string): Promise<RoomRow> {
  const { rows } = await db.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE performer_id = $1`, [performerId]);
  return rows[0] ?? NEW_ROOM;
}

/** Creates the room row on its first write and locks it for the rest of the caller's transaction. */
export async function lockRoomRow(db: Queryable, performerId: string): Promise<RoomRow> {
  await db.query("INSERT INTO rooms (performer_id) VALUES ($1) ON CONFLICT (performer_id) DO NOTHING", [performerId]);
  const { rows } = await db.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE performer_id = $1 FOR UPDATE`, [performerId]);
  const row = rows[0];
  if (!row) throw new Error(`room of ${performerId} vanished while being locked`);
  return row;
}

export function overridesOf(row: RoomRow): RoomTermOverrides {
  return {
    privatePricePerMinute: row.private_price_per_minute === null ? null : BigInt(row.private_price_per_minute),
    groupPricePerMinute: row.group_price_per_minute === null ? null : BigInt(row.group_price_per_minute),
    freeSeconds: row.free_seconds,
    minimumMinutes: row.minimum_minutes,
    incrementSeconds: row.increment_seconds,
  };
}

export interface RoomTerms {
  meterControl: MeterControl;
  terms: ShowTerms;
}

/** The room's show terms as a show starting now would use them: the performer's overrides, else the admin defaults. */
export async function loadRoomTerms(db: Queryable, performerId: string): Promise<RoomTerms> {
  // One after the other: `db` may be a transaction's client, which runs one query at a time.
  const row = await loadRoomRow(db, performerId);
  const defaults = await getSetting(db, "shows");
  return { meterControl: row.meter_control, terms: effectiveTerms(overridesOf(row), defaults) };
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
  const { rows } = await db.query<{
    role: Role;
    performer_available: boolean | null;
    access: RoomAccess | null;
    required_plan_id: string | null;
    access_item_id: string | null;
    plan_name: string | null;
    item_title: string | null;
    removed: boolean;
  }>(
    `SELECT viewer.role,
            (${PERFORMER_IS_OPEN_SQL}) AS performer_available,
            r.access, r.required_plan_id, r.access_item_id, plan.name AS plan_name, item.title AS item_title,
            EXISTS (SELECT 1 FROM room_restrictions x
                     WHERE x.performer_id = $1 AND x.member_id = viewer.id AND x.kind = 'REMOVED'
                       AND (x.until IS NULL OR x.until > now())) AS removed
       FROM users viewer
       LEFT JOIN users u ON u.id = $1
       LEFT JOIN performer_profiles p ON p.user_id = u.id
       LEFT JOIN rooms r ON r.performer_id = u.id
       LEFT JOIN membership_plans plan ON plan.id = r.required_plan_id
       LEFT JOIN content_items item ON item.id = r.access_item_id
      WHERE viewer.id = $2`,
    [performerId, userId],
  );
  const facts = rows[0];
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
