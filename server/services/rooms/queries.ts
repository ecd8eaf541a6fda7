import "server-only";
import type { Queryable } from "@/server/db/transaction";
import type { Prisma, Room } from "@/server/generated/prisma/client";
import type { RoomAccess, Role } from "@/server/generated/prisma/enums";

/**
 * The hand-written SQL of rooms, each statement a named function with a typed row. They stay SQL where one
 * statement matters: the room row read and locked inside a show's transaction (which posts to the ledger, so Prisma
 * can't join it), the entry decision in one round trip, the online switch against the database clock, chat lines
 * with their sender's name, and the discovery lists (sorted by expressions over a LEFT JOIN, paginated). Covered
 * by rooms.int.test.ts, discover.int.test.ts and shows.int.test.ts.
 */

/** A room's state, typed by the Prisma model (the audit log keeps its own snake_case shape: room-settings.ts). */
export type RoomState = Pick<
  Room,
  | "online"
  | "onlineSince"
  | "access"
  | "requiredPlanId"
  | "accessItemId"
  | "meterControl"
  | "privatePricePerMinute"
  | "groupPricePerMinute"
  | "freeSeconds"
  | "minimumMinutes"
  | "incrementSeconds"
>;

/** Approved, active performers: the ones with a public page and a room that can be entered (users u, performer_profiles p). */
export const PERFORMER_IS_OPEN_SQL = `u.role = 'PERFORMER' AND u.status = 'ACTIVE' AND p.status = 'APPROVED'`;

const ROOM_STATE_COLUMNS = `online, online_since AS "onlineSince", access, required_plan_id AS "requiredPlanId",
  access_item_id AS "accessItemId", meter_control AS "meterControl", private_price_per_minute AS "privatePricePerMinute",
  group_price_per_minute AS "groupPricePerMinute", free_seconds AS "freeSeconds", minimum_minutes AS "minimumMinutes",
  increment_seconds AS "incrementSeconds"`;

/** pg returns BIGINT columns as strings. */
type RoomStateRow = Omit<RoomState, "privatePricePerMinute" | "groupPricePerMinute"> & {
  privatePricePerMinute: string | null;
  groupPricePerMinute: string | null;
};

function roomStateFrom(row: RoomStateRow): RoomState {
  return {
    ...row,
    privatePricePerMinute: row.privatePricePerMinute === null ? null : BigInt(row.privatePricePerMinute),
    groupPricePerMinute: row.groupPricePerMinute === null ? null : BigInt(row.groupPricePerMinute),
  };
}

export async function selectRoomState(db: Queryable, performerId: string): Promise<RoomState | undefined> {
  const { rows } = await db.query<RoomStateRow>(`SELECT ${ROOM_STATE_COLUMNS} FROM rooms WHERE performer_id = $1`, [performerId]);
  return rows[0] && roomStateFrom(rows[0]);
}

/** Creates the room row on its first write and locks it for the rest of the caller's transaction. */
export async function lockRoomState(db: Queryable, performerId: string): Promise<RoomState> {
  await db.query("INSERT INTO rooms (performer_id) VALUES ($1) ON CONFLICT (performer_id) DO NOTHING", [performerId]);
  const { rows } = await db.query<RoomStateRow>(`SELECT ${ROOM_STATE_COLUMNS} FROM rooms WHERE performer_id = $1 FOR UPDATE`, [performerId]);
  const row = rows[0];
  if (!row) throw new Error(`room of ${performerId} vanished while being locked`);
  return roomStateFrom(row);
}

/** lockRoomState inside a Prisma transaction (Prisma has no FOR UPDATE); the caller reads the row with Prisma. */
export async function lockRoomWithPrisma(tx: Prisma.TransactionClient, performerId: string): Promise<void> {
  await tx.$executeRaw`INSERT INTO rooms (performer_id) VALUES (${performerId}::uuid) ON CONFLICT (performer_id) DO NOTHING`;
  await tx.$queryRaw`SELECT 1 FROM rooms WHERE performer_id = ${performerId}::uuid FOR UPDATE`;
}

/** Opens or closes the room; online_since is the database time it opened, kept while it stays open. */
export async function setRoomOnlineState(db: Queryable, performerId: string, online: boolean): Promise<{ online: boolean; online_since: Date | null } | undefined> {
  const { rows } = await db.query<{ online: boolean; online_since: Date | null }>(
    `UPDATE rooms SET online = $2, online_since = CASE WHEN NOT $2 THEN NULL WHEN online THEN online_since ELSE now() END,
            updated_at = now()
      WHERE performer_id = $1 RETURNING online, online_since`,
    [performerId, online],
  );
  return rows[0];
}

export interface EntryFactsRow {
  role: Role;
  performer_available: boolean | null;
  access: RoomAccess | null;
  required_plan_id: string | null;
  access_item_id: string | null;
  plan_name: string | null;
  item_title: string | null;
  removed: boolean;
}

/** What the entry decision needs about the viewer and the room, in one statement (none: no such viewer). */
export async function selectEntryFacts(db: Queryable, performerId: string, userId: string): Promise<EntryFactsRow | undefined> {
  const { rows } = await db.query<EntryFactsRow>(
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
  return rows[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Chat

export interface ChatMessageRow {
  id: string;
  sender_id: string;
  sender_name: string;
  from_performer: boolean;
  body: string;
  created_at: Date;
}

/** In the performer's own room their stage name speaks for them. */
const SENDER_SQL = `CASE WHEN m.sender_id = m.performer_id THEN coalesce(p.stage_name, u.display_name) ELSE u.display_name END AS sender_name,
  m.sender_id = m.performer_id AS from_performer`;

/** The room's latest `limit` chat lines, newest first. */
export async function selectLatestChatMessages(db: Queryable, performerId: string, limit: number): Promise<ChatMessageRow[]> {
  const { rows } = await db.query<ChatMessageRow>(
    `SELECT m.id, m.sender_id, ${SENDER_SQL}, m.body, m.created_at
       FROM room_messages m JOIN users u ON u.id = m.sender_id LEFT JOIN performer_profiles p ON p.user_id = m.sender_id
      WHERE m.performer_id = $1 ORDER BY m.id DESC LIMIT $2`,
    [performerId, limit],
  );
  return rows;
}

/** Stores a chat line and returns it as the room shows it. */
export async function insertChatMessage(db: Queryable, performerId: string, senderId: string, body: string): Promise<ChatMessageRow | undefined> {
  const { rows } = await db.query<ChatMessageRow>(
    `WITH m AS (INSERT INTO room_messages (performer_id, sender_id, body) VALUES ($1, $2, $3) RETURNING *)
     SELECT m.id, m.sender_id, ${SENDER_SQL}, m.body, m.created_at
       FROM m JOIN users u ON u.id = m.sender_id LEFT JOIN performer_profiles p ON p.user_id = m.sender_id`,
    [performerId, senderId, body],
  );
  return rows[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Discovery

export interface LiveRoomRow {
  username: string;
  stage_name: string;
  online_since: Date | null;
  access: RoomAccess;
}

/** Open rooms of open performers, most recently opened first. */
export async function selectLiveRooms(db: Queryable, limit: number): Promise<LiveRoomRow[]> {
  const { rows } = await db.query<LiveRoomRow>(
    `SELECT u.username, p.stage_name, r.online_since, r.access
       FROM rooms r JOIN users u ON u.id = r.performer_id JOIN performer_profiles p ON p.user_id = u.id
      WHERE r.online AND ${PERFORMER_IS_OPEN_SQL}
      ORDER BY r.online_since DESC NULLS LAST, u.username
      LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function countLiveRooms(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total
       FROM rooms r JOIN users u ON u.id = r.performer_id JOIN performer_profiles p ON p.user_id = u.id
      WHERE r.online AND ${PERFORMER_IS_OPEN_SQL}`,
  );
  return rows[0]?.total ?? 0;
}

export interface DirectoryRow {
  username: string;
  stage_name: string;
  bio: string;
  online: boolean;
}

/** One page of open performers: live ones first, then by name; the username breaks ties so pages never overlap. */
export async function selectDirectoryPage(db: Queryable, limit: number, offset: number): Promise<DirectoryRow[]> {
  const { rows } = await db.query<DirectoryRow>(
    `SELECT u.username, p.stage_name, p.bio, coalesce(r.online, false) AS online
       FROM performer_profiles p JOIN users u ON u.id = p.user_id LEFT JOIN rooms r ON r.performer_id = u.id
      WHERE ${PERFORMER_IS_OPEN_SQL}
      ORDER BY coalesce(r.online, false) DESC, lower(p.stage_name), u.username
      LIMIT $1 OFFSET $2`,
    [limit, offset],
  );
  return rows;
}

export async function countOpenPerformers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM performer_profiles p JOIN users u ON u.id = p.user_id WHERE ${PERFORMER_IS_OPEN_SQL}`,
  );
  return rows[0]?.total ?? 0;
}
