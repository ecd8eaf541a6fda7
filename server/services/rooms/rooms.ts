import "server-only";
import { z } from "zod";
import { storableBigint } from "@/server/domain/storable";
import { consumeRateLimit } from "@/server/auth/rate-limiter";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import {
  CHAT_RATE_LIMIT,
  METER_CONTROL_VALUES,
  RECENT_MESSAGES_LIMIT,
  ROOM_ACCESS_VALUES,
  type RoomEntry,
  type RoomTermOverrides,
  type ShowPriceBounds,
  type ShowTerms,
  TERM_LIMITS,
  chatMessageSchema,
  effectiveTerms,
  moderationProblem,
  priceProblem,
} from "@/server/domain/rooms";
import type { MeterControl, RoomAccess, Role } from "@/server/generated/prisma/enums";
import { roomChannel } from "@/server/integrations/pusher";
import { type OutboxMessage, type RealtimeData, enqueue, transactionTag } from "@/server/outbox/messages";
import { getSetting } from "../settings/settings";
import {
  NEW_ROOM,
  PERFORMER_IS_OPEN_SQL,
  type RoomRow,
  canEnterRoom,
  loadRoomRow,
  lockRoomRow,
  overridesOf,
} from "./room-access";
import { endShowsForMember, endShowsForPerformer } from "../shows/shows";
import { recordAudit } from "@/server/services/audit/record";

/**
 * A performer's live room: online state, show settings, chat and moderation. A room row is created lazily on the
 * first write; until then the room is public, offline and uses the admin defaults. Realtime events for the room's
 * presence channel are written to the outbox with the change they tell, and the worker's relay delivers them.
 */

export interface RoomActor {
  id: string;
  role: Role;
}

/** Events on `presence-room-<performerId>`. */
export const ROOM_CHAT_MESSAGE = "chat.message";
export const ROOM_STATUS = "room.status";
export const ROOM_TIP = "room.tip";
export const ROOM_MEMBER_REMOVED = "member.removed";
export const ROOM_MEMBER_MUTED = "member.muted";

export interface ChatMessagePayload {
  id: string;
  senderId: string;
  senderName: string;
  fromPerformer: boolean;
  body: string;
  at: string;
}

export interface RoomStatusPayload {
  online: boolean;
}

export interface RoomTipPayload {
  fromDisplayName: string;
  amount: string;
  message: string | null;
  at: string;
}

export interface MemberRemovedPayload {
  memberId: string;
}

export interface MemberMutedPayload {
  memberId: string;
  muted: boolean;
}

/** An event to everyone in the performer's room, written to the outbox in the transaction of the change it tells. */
function toRoom(key: string, performerId: string, event: string, data: RealtimeData): OutboxMessage {
  return { key, kind: "realtime", channels: [roomChannel(performerId)], event, data };
}

interface RoomPerformer {
  id: string;
  username: string;
  stageName: string;
}

async function findRoomPerformer(db: Queryable, username: string): Promise<RoomPerformer> {
  const { rows } = await db.query<{ id: string; username: string; stage_name: string }>(
    `SELECT u.id, u.username, p.stage_name FROM users u JOIN performer_profiles p ON p.user_id = u.id
      WHERE u.username = lower($1) AND ${PERFORMER_IS_OPEN_SQL}`,
    [username],
  );
  const performer = rows[0];
  if (!performer) throw new DomainError("NOT_FOUND", "No performer goes by that name.");
  return { id: performer.id, username: performer.username, stageName: performer.stage_name };
}

interface ActiveRestrictions {
  muted: boolean;
  removed: boolean;
}

async function activeRestrictions(db: Queryable, performerId: string, memberId: string): Promise<ActiveRestrictions> {
  const { rows } = await db.query<{ kind: "MUTED" | "REMOVED" }>(
    `SELECT kind FROM room_restrictions
      WHERE performer_id = $1 AND member_id = $2 AND (until IS NULL OR until > now())`,
    [performerId, memberId],
  );
  return { muted: rows.some((row) => row.kind === "MUTED"), removed: rows.some((row) => row.kind === "REMOVED") };
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
    const { rows } = await db.query<{ stage_name: string }>("SELECT stage_name FROM performer_profiles WHERE user_id = $1", [user.id]);
    name = rows[0]?.stage_name ?? name;
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
  const performer = await findRoomPerformer(pool, username);
  const [row, defaults, entry, restrictions] = await Promise.all([
    loadRoomRow(pool, performer.id),
    getSetting(pool, "shows"),
    viewer ? canEnterRoom(pool, performer.id, viewer.id) : Promise.resolve<RoomEntry>({ ok: false, reason: "Sign in to join the room." }),
    viewer ? activeRestrictions(pool, performer.id, viewer.id) : Promise.resolve(null),
  ]);
  return {
    performerId: performer.id,
    username: performer.username,
    stageName: performer.stageName,
    online: row.online,
    onlineSince: row.online_since,
    access: row.access,
    canJoin: entry.ok,
    joinRefusal: entry.ok ? null : entry.reason,
    meterControl: row.meter_control,
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
    await lockRoomRow(db, performer.id);
    const { rows } = await db.query<{ online: boolean; online_since: Date | null }>(
      `UPDATE rooms SET online = $2, online_since = CASE WHEN NOT $2 THEN NULL WHEN online THEN online_since ELSE now() END,
              updated_at = now()
        WHERE performer_id = $1 RETURNING online, online_since`,
      [performer.id, online],
    );
    const row = rows[0];
    if (!row) throw new Error(`room of ${performer.id} not updated`);
    const payload: RoomStatusPayload = { online };
    await enqueue(db, [toRoom(`room:${performer.id}:status:${await transactionTag(db)}`, performer.id, ROOM_STATUS, { ...payload })]);
    return { online: row.online, onlineSince: row.online_since };
  });
  if (!online) await endShowsForPerformer(performer.id, "performer_offline");
  return state;
}

const pricePerMinute = storableBigint(z.bigint().min(1n, "A price is at least 1 credit a minute."));

function termSchema(limits: { min: number; max: number }, label: string) {
  return z
    .number()
    .int(`${label} must be a whole number.`)
    .min(limits.min, `${label} must be at least ${limits.min}.`)
    .max(limits.max, `${label} must be at most ${limits.max}.`);
}

/** Every field optional: what is given changes, the rest stays. Null puts a price or term back to the admin default. */
export const updateRoomSettingsSchema = z.object({
  privatePricePerMinute: pricePerMinute.nullable().optional(),
  groupPricePerMinute: pricePerMinute.nullable().optional(),
  freeSeconds: termSchema(TERM_LIMITS.freeSeconds, "Free seconds").nullable().optional(),
  minimumMinutes: termSchema(TERM_LIMITS.minimumMinutes, "Minimum minutes").nullable().optional(),
  incrementSeconds: termSchema(TERM_LIMITS.incrementSeconds, "Billing increment").nullable().optional(),
  meterControl: z.enum(METER_CONTROL_VALUES).optional(),
  access: z.enum(ROOM_ACCESS_VALUES).optional(),
  requiredPlanId: z.uuid().nullable().optional(),
  accessItemId: z.uuid().nullable().optional(),
});
export type UpdateRoomSettingsInput = z.input<typeof updateRoomSettingsSchema>;

export interface RoomSettingsView {
  performerId: string;
  online: boolean;
  access: RoomAccess;
  requiredPlanId: string | null;
  accessItemId: string | null;
  meterControl: MeterControl;
  /** What the performer set; null means the admin default applies. */
  overrides: RoomTermOverrides;
  defaults: ShowTerms;
  bounds: ShowPriceBounds;
  /** The performer's plans and published room-access items, for the access choice. */
  plans: { id: string; name: string }[];
  accessItems: { id: string; title: string; price: bigint }[];
}

/** The performer's own room settings, with the defaults and bounds the settings form shows. */
export async function getRoomSettings(performer: RoomActor, db: Queryable = pool): Promise<RoomSettingsView> {
  // One after the other: `db` may be a transaction's client, which runs one query at a time.
  const row = await loadRoomRow(db, performer.id);
  const shows = await getSetting(db, "shows");
  const plans = await db.query<{ id: string; name: string }>(
    `SELECT id, name FROM membership_plans
      WHERE performer_id = $1 AND (active OR id = (SELECT required_plan_id FROM rooms WHERE performer_id = $1))
      ORDER BY name, id`,
    [performer.id],
  );
  const items = await db.query<{ id: string; title: string; price: string }>(
    `SELECT id, title, price FROM content_items
      WHERE performer_id = $1 AND kind = 'ROOM_ACCESS'
        AND (status = 'PUBLISHED' OR id = (SELECT access_item_id FROM rooms WHERE performer_id = $1))
      ORDER BY title, id`,
    [performer.id],
  );
  return {
    performerId: performer.id,
    online: row.online,
    access: row.access,
    requiredPlanId: row.required_plan_id,
    accessItemId: row.access_item_id,
    meterControl: row.meter_control,
    overrides: overridesOf(row),
    defaults: effectiveTerms(overridesOf(NEW_ROOM), shows),
    bounds: { minPricePerMinute: shows.minPricePerMinute, maxPricePerMinute: shows.maxPricePerMinute },
    plans: plans.rows,
    accessItems: items.rows.map((item) => ({ id: item.id, title: item.title, price: BigInt(item.price) })),
  };
}

/** An absent field keeps its current value; null (back to the default) is a value too. */
function pick<T>(value: T | undefined, current: T): T {
  return value === undefined ? current : value;
}

function priceColumn(price: bigint | null | undefined, current: string | null): string | null {
  return price === undefined ? current : price === null ? null : price.toString();
}

function refuseField(field: string, message: string): never {
  throw new DomainError("BAD_REQUEST", message, { fieldErrors: { [field]: [message] } });
}

/** Membership-only rooms need one of the performer's active plans; paid rooms one of their published access items. */
async function checkAccessChoice(db: Queryable, performerId: string, room: RoomRow): Promise<void> {
  if (room.access === "MEMBERSHIP") {
    const { rows } = room.required_plan_id
      ? await db.query("SELECT 1 FROM membership_plans WHERE id = $1 AND performer_id = $2 AND active", [room.required_plan_id, performerId])
      : { rows: [] };
    if (rows.length === 0) refuseField("requiredPlanId", "Choose one of your active membership plans for a members-only room.");
  }
  if (room.access === "PAID") {
    const { rows } = room.access_item_id
      ? await db.query(
          "SELECT 1 FROM content_items WHERE id = $1 AND performer_id = $2 AND kind = 'ROOM_ACCESS' AND status = 'PUBLISHED'",
          [room.access_item_id, performerId],
        )
      : { rows: [] };
    if (rows.length === 0) refuseField("accessItemId", "Choose one of your published room-access items for a paid room.");
  }
}

/**
 * The performer changes their room's show terms, meter control and access. Prices must sit within the admin's
 * bounds; the plan or access item must be the performer's own. Audited with the values before and after.
 */
export async function updateRoomSettings(performer: RoomActor, input: UpdateRoomSettingsInput): Promise<RoomSettingsView> {
  const changes = updateRoomSettingsSchema.parse(input);
  return withTransaction(pool, async (db) => {
    const before = await lockRoomRow(db, performer.id);
    const shows = await getSetting(db, "shows");
    const bounds = { minPricePerMinute: shows.minPricePerMinute, maxPricePerMinute: shows.maxPricePerMinute };
    for (const [field, label] of [
      ["privatePricePerMinute", "private show"],
      ["groupPricePerMinute", "group show"],
    ] as const) {
      const price = changes[field];
      const problem = price === undefined || price === null ? null : priceProblem(label, price, bounds);
      if (problem) refuseField(field, problem);
    }

    const access = pick(changes.access, before.access);
    const after: RoomRow = {
      ...before,
      access,
      required_plan_id: access === "MEMBERSHIP" ? pick(changes.requiredPlanId, before.required_plan_id) : null,
      access_item_id: access === "PAID" ? pick(changes.accessItemId, before.access_item_id) : null,
      meter_control: pick(changes.meterControl, before.meter_control),
      private_price_per_minute: priceColumn(changes.privatePricePerMinute, before.private_price_per_minute),
      group_price_per_minute: priceColumn(changes.groupPricePerMinute, before.group_price_per_minute),
      free_seconds: pick(changes.freeSeconds, before.free_seconds),
      minimum_minutes: pick(changes.minimumMinutes, before.minimum_minutes),
      increment_seconds: pick(changes.incrementSeconds, before.increment_seconds),
    };
    await checkAccessChoice(db, performer.id, after);

    await db.query(
      `UPDATE rooms SET access = $2::"RoomAccess", required_plan_id = $3, access_item_id = $4, meter_control = $5::"MeterControl",
              private_price_per_minute = $6, group_price_per_minute = $7, free_seconds = $8, minimum_minutes = $9,
              increment_seconds = $10, updated_at = now()
        WHERE performer_id = $1`,
      [
        performer.id,
        after.access,
        after.required_plan_id,
        after.access_item_id,
        after.meter_control,
        after.private_price_per_minute,
        after.group_price_per_minute,
        after.free_seconds,
        after.minimum_minutes,
        after.increment_seconds,
      ],
    );
    await recordAudit(db, { actorId: performer.id, action: "room.settings", target: { type: "room", id: performer.id }, details: { before, after } });
    return getRoomSettings(performer, db);
  });
}

export const roomSchema = z.object({ performerId: z.uuid() });

export interface ChatMessage {
  id: bigint;
  senderId: string;
  senderName: string;
  fromPerformer: boolean;
  body: string;
  at: Date;
}

interface ChatMessageRow {
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

function chatMessageFrom(row: ChatMessageRow): ChatMessage {
  return { id: BigInt(row.id), senderId: row.sender_id, senderName: row.sender_name, fromPerformer: row.from_performer, body: row.body, at: row.created_at };
}

async function requireEntry(db: Queryable, performerId: string, userId: string): Promise<void> {
  const entry = await canEnterRoom(db, performerId, userId);
  if (!entry.ok) throw new DomainError("FORBIDDEN", entry.reason);
}

/** The room's latest chat, oldest first, for those who may be in the room. */
export async function recentMessages(viewer: RoomActor, input: z.input<typeof roomSchema>): Promise<ChatMessage[]> {
  const { performerId } = roomSchema.parse(input);
  await requireEntry(pool, performerId, viewer.id);
  const { rows } = await pool.query<ChatMessageRow>(
    `SELECT m.id, m.sender_id, ${SENDER_SQL}, m.body, m.created_at
       FROM room_messages m JOIN users u ON u.id = m.sender_id LEFT JOIN performer_profiles p ON p.user_id = m.sender_id
      WHERE m.performer_id = $1 ORDER BY m.id DESC LIMIT $2`,
    [performerId, RECENT_MESSAGES_LIMIT],
  );
  return rows.reverse().map(chatMessageFrom);
}

export const sendMessageSchema = roomSchema.extend({ body: chatMessageSchema });

/** A chat line from someone who may be in the room and is not muted, within the per-member rate limit. */
export async function sendRoomMessage(sender: RoomActor, input: z.input<typeof sendMessageSchema>): Promise<ChatMessage> {
  const { performerId, body } = sendMessageSchema.parse(input);
  await requireEntry(pool, performerId, sender.id);
  if ((await activeRestrictions(pool, performerId, sender.id)).muted) {
    throw new DomainError("FORBIDDEN", "You're muted in this room: your messages aren't sent.");
  }
  const limit = await consumeRateLimit(`room-chat:${sender.id}`, CHAT_RATE_LIMIT);
  if (!limit.allowed) {
    throw new DomainError("RATE_LIMITED", `You're sending messages too fast. Try again in ${limit.retryAfterSeconds} s.`);
  }
  return withTransaction(pool, async (db) => {
    const { rows } = await db.query<ChatMessageRow>(
      `WITH m AS (INSERT INTO room_messages (performer_id, sender_id, body) VALUES ($1, $2, $3) RETURNING *)
       SELECT m.id, m.sender_id, ${SENDER_SQL}, m.body, m.created_at
         FROM m JOIN users u ON u.id = m.sender_id LEFT JOIN performer_profiles p ON p.user_id = m.sender_id`,
      [performerId, sender.id, body],
    );
    const row = rows[0];
    if (!row) throw new Error("chat message not stored");
    const message = chatMessageFrom(row);
    const payload: ChatMessagePayload = {
      id: message.id.toString(),
      senderId: message.senderId,
      senderName: message.senderName,
      fromPerformer: message.fromPerformer,
      body: message.body,
      at: message.at.toISOString(),
    };
    await enqueue(db, [toRoom(`room-message:${message.id}`, performerId, ROOM_CHAT_MESSAGE, { ...payload })]);
    return message;
  });
}

/** The performer acts on their own room (no id needed); an admin names the room. */
export const moderationSchema = z.object({ performerId: z.uuid().optional(), memberId: z.uuid() });
export type ModerationInput = z.input<typeof moderationSchema>;

type ModerationAction = "mute" | "unmute" | "remove" | "readmit";

/** Checks the actor may moderate the room and the member may be moderated in it; returns the room's performer. */
async function moderatedRoom(db: Queryable, actor: RoomActor, performerId: string | undefined, memberId: string): Promise<string> {
  const room = performerId ?? (actor.role === "PERFORMER" ? actor.id : undefined);
  if (!room) throw new DomainError("BAD_REQUEST", "Name the room's performer.");
  const problem = moderationProblem(actor, room);
  if (problem) throw new DomainError("FORBIDDEN", problem);
  const { rows } = await db.query<{ id: string; role: Role }>("SELECT id, role FROM users WHERE id = ANY($1::uuid[])", [[room, memberId]]);
  if (rows.find((user) => user.id === room)?.role !== "PERFORMER") throw new DomainError("NOT_FOUND", "There is no such room.");
  const member = rows.find((user) => user.id === memberId);
  if (!member) throw new DomainError("NOT_FOUND", "There is no such member.");
  if (memberId === room) throw new DomainError("BAD_REQUEST", "The performer can't be muted or removed in their own room.");
  if (member.role === "ADMIN") throw new DomainError("FORBIDDEN", "Administrators can't be muted or removed.");
  return room;
}

async function moderate(actor: RoomActor, input: ModerationInput, action: ModerationAction): Promise<{ performerId: string; memberId: string }> {
  const { performerId, memberId } = moderationSchema.parse(input);
  const room = await withTransaction(pool, async (db) => {
    const roomId = await moderatedRoom(db, actor, performerId, memberId);
    const kind = action === "mute" || action === "unmute" ? "MUTED" : "REMOVED";
    if (action === "mute" || action === "remove") {
      await db.query(
        `INSERT INTO room_restrictions (performer_id, member_id, kind, created_by_id) VALUES ($1, $2, $3::"RoomRestrictionKind", $4)
         ON CONFLICT (performer_id, member_id, kind) DO UPDATE SET until = NULL, created_by_id = excluded.created_by_id, created_at = now()`,
        [roomId, memberId, kind, actor.id],
      );
    } else {
      await db.query(`DELETE FROM room_restrictions WHERE performer_id = $1 AND member_id = $2 AND kind = $3::"RoomRestrictionKind"`, [
        roomId,
        memberId,
        kind,
      ]);
    }
    const auditId = await recordAudit(db, { actorId: actor.id, action: `room.${action}`, target: { type: "room", id: roomId }, details: { memberId } });
    const key = `room-moderation:${auditId}`;
    if (action === "remove") {
      const payload: MemberRemovedPayload = { memberId };
      await enqueue(db, [toRoom(key, roomId, ROOM_MEMBER_REMOVED, { ...payload })]);
    } else if (action === "mute" || action === "unmute") {
      const payload: MemberMutedPayload = { memberId, muted: action === "mute" };
      await enqueue(db, [toRoom(key, roomId, ROOM_MEMBER_MUTED, { ...payload })]);
    }
    return roomId;
  });
  // Removal also stops what the member is paying for here, at once rather than when their heartbeats lapse.
  if (action === "remove") await endShowsForMember(room, memberId, "member_removed");
  return { performerId: room, memberId };
}

export const muteMember = (actor: RoomActor, input: ModerationInput) => moderate(actor, input, "mute");
export const unmuteMember = (actor: RoomActor, input: ModerationInput) => moderate(actor, input, "unmute");
/** Removes the member and tells the room, so their page leaves the channel; they can't enter again until readmitted. */
export const removeMember = (actor: RoomActor, input: ModerationInput) => moderate(actor, input, "remove");
export const readmitMember = (actor: RoomActor, input: ModerationInput) => moderate(actor, input, "readmit");

export interface RoomRestrictionView {
  memberId: string;
  displayName: string;
  kind: "MUTED" | "REMOVED";
  since: Date;
}

/** Who is muted or removed in the room, for its performer or an admin. */
export async function listRestrictions(actor: RoomActor, input: z.input<typeof roomSchema>): Promise<RoomRestrictionView[]> {
  const { performerId } = roomSchema.parse(input);
  const problem = moderationProblem(actor, performerId);
  if (problem) throw new DomainError("FORBIDDEN", problem);
  const { rows } = await pool.query<{ member_id: string; display_name: string; kind: "MUTED" | "REMOVED"; created_at: Date }>(
    `SELECT x.member_id, u.display_name, x.kind, x.created_at
       FROM room_restrictions x JOIN users u ON u.id = x.member_id
      WHERE x.performer_id = $1 AND (x.until IS NULL OR x.until > now())
      ORDER BY x.created_at DESC, x.id DESC`,
    [performerId],
  );
  return rows.map((row) => ({ memberId: row.member_id, displayName: row.display_name, kind: row.kind, since: row.created_at }));
}
