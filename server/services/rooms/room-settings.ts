import "server-only";
import { pool, prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { type UpdateRoomSettingsInput, updateRoomSettingsSchema } from "@/server/domain/room-settings";
import { type RoomTermOverrides, type ShowPriceBounds, type ShowTerms, effectiveTerms, priceProblem } from "@/server/domain/rooms";
import type { Prisma, PrismaClient } from "@/server/generated/prisma/client";
import type { MeterControl, RoomAccess } from "@/server/generated/prisma/enums";
import { recordAuditWithPrisma } from "../audit/record";
import { type SettingValue, getSetting } from "../settings/settings";
import { type RoomState, lockRoomWithPrisma } from "./queries";
import { NEW_ROOM, type RoomActor, overridesOf } from "./room-access";

/**
 * The performer's room settings, read and written with Prisma Client: show prices and terms within the admin's
 * bounds, meter control, and who may enter (public, members of a plan, holders of a paid access item).
 */

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
  /** Card tabs opened in the room are charged whenever this many credits accrued; null: the site's default. */
  tabSplitThreshold: bigint | null;
  /** Whether the admin lets performers set their room's split threshold (setting tabs.performersMaySetSplit). */
  tabSplitAllowed: boolean;
  /** The performer's plans and published room-access items, for the access choice. */
  plans: { id: string; name: string }[];
  accessItems: { id: string; title: string; price: bigint }[];
}

type Reader = PrismaClient | Prisma.TransactionClient;

/** The performer's own room settings, with the defaults and bounds the settings form shows. */
export async function getRoomSettings(performer: RoomActor): Promise<RoomSettingsView> {
  const [shows, tabs] = await Promise.all([getSetting(pool, "shows"), getSetting(pool, "tabs")]);
  return readRoomSettings(prisma, performer.id, shows, tabs);
}

/** `db` may be a transaction's client, so the reads run one after the other. */
async function readRoomSettings(db: Reader, performerId: string, shows: SettingValue<"shows">, tabs: SettingValue<"tabs">): Promise<RoomSettingsView> {
  const row = await db.room.findUnique({ where: { performerId } });
  const room: RoomState = row ?? NEW_ROOM;
  // A plan or item no longer offered stays listed while the room still uses it.
  const plans = await db.membershipPlan.findMany({
    where: { performerId, OR: [{ active: true }, ...(room.requiredPlanId ? [{ id: room.requiredPlanId }] : [])] },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, name: true },
  });
  const accessItems = await db.contentItem.findMany({
    where: { performerId, kind: "ROOM_ACCESS", OR: [{ status: "PUBLISHED" }, ...(room.accessItemId ? [{ id: room.accessItemId }] : [])] },
    orderBy: [{ title: "asc" }, { id: "asc" }],
    select: { id: true, title: true, price: true },
  });
  return {
    performerId,
    online: room.online,
    access: room.access,
    requiredPlanId: room.requiredPlanId,
    accessItemId: room.accessItemId,
    meterControl: room.meterControl,
    overrides: overridesOf(room),
    defaults: effectiveTerms(overridesOf(NEW_ROOM), shows),
    bounds: { minPricePerMinute: shows.minPricePerMinute, maxPricePerMinute: shows.maxPricePerMinute },
    tabSplitThreshold: row?.tabSplitThreshold ?? null,
    tabSplitAllowed: tabs.performersMaySetSplit,
    plans,
    accessItems,
  };
}

/** An absent field keeps its current value; null (back to the default) is a value too. */
function pick<T>(value: T | undefined, current: T): T {
  return value === undefined ? current : value;
}

function refuseField(field: string, message: string): never {
  throw new DomainError("BAD_REQUEST", message, { fieldErrors: { [field]: [message] } });
}

/** Membership-only rooms need one of the performer's active plans; paid rooms one of their published access items. */
async function checkAccessChoice(tx: Prisma.TransactionClient, performerId: string, room: RoomState): Promise<void> {
  if (room.access === "MEMBERSHIP") {
    const plan = room.requiredPlanId
      ? await tx.membershipPlan.findFirst({ where: { id: room.requiredPlanId, performerId, active: true }, select: { id: true } })
      : null;
    if (!plan) refuseField("requiredPlanId", "Choose one of your active membership plans for a members-only room.");
  }
  if (room.access === "PAID") {
    const item = room.accessItemId
      ? await tx.contentItem.findFirst({
          where: { id: room.accessItemId, performerId, kind: "ROOM_ACCESS", status: "PUBLISHED" },
          select: { id: true },
        })
      : null;
    if (!item) refuseField("accessItemId", "Choose one of your published room-access items for a paid room.");
  }
}

/** The room as the audit log has always recorded it (snake_case columns, amounts as decimal strings). */
function audited(room: RoomState): Record<string, unknown> {
  return {
    online: room.online,
    online_since: room.onlineSince,
    access: room.access,
    required_plan_id: room.requiredPlanId,
    access_item_id: room.accessItemId,
    meter_control: room.meterControl,
    private_price_per_minute: room.privatePricePerMinute,
    group_price_per_minute: room.groupPricePerMinute,
    free_seconds: room.freeSeconds,
    minimum_minutes: room.minimumMinutes,
    increment_seconds: room.incrementSeconds,
  };
}

/**
 * The performer changes their room's show terms, meter control and access. Prices must sit within the admin's
 * bounds; the plan or access item must be the performer's own. Audited with the values before and after.
 */
export async function updateRoomSettings(performer: RoomActor, input: UpdateRoomSettingsInput): Promise<RoomSettingsView> {
  const changes = updateRoomSettingsSchema.parse(input);
  const [shows, tabs] = await Promise.all([getSetting(pool, "shows"), getSetting(pool, "tabs")]);
  const bounds = { minPricePerMinute: shows.minPricePerMinute, maxPricePerMinute: shows.maxPricePerMinute };
  for (const [field, label] of [
    ["privatePricePerMinute", "private show"],
    ["groupPricePerMinute", "group show"],
  ] as const) {
    const price = changes[field];
    const problem = price === undefined || price === null ? null : priceProblem(label, price, bounds);
    if (problem) refuseField(field, problem);
  }
  if (changes.tabSplitThreshold != null && !tabs.performersMaySetSplit) {
    refuseField("tabSplitThreshold", "Card tab split thresholds are set by Tipmeter for now; leave the field blank.");
  }
  return prisma.$transaction(async (tx) => {
    await lockRoomWithPrisma(tx, performer.id);
    const row = await tx.room.findUniqueOrThrow({ where: { performerId: performer.id } });
    const before: RoomState = row;
    const tabSplitThreshold = pick(changes.tabSplitThreshold, row.tabSplitThreshold);
    const access = pick(changes.access, before.access);
    const after: RoomState = {
      online: before.online,
      onlineSince: before.onlineSince,
      access,
      requiredPlanId: access === "MEMBERSHIP" ? pick(changes.requiredPlanId, before.requiredPlanId) : null,
      accessItemId: access === "PAID" ? pick(changes.accessItemId, before.accessItemId) : null,
      meterControl: pick(changes.meterControl, before.meterControl),
      privatePricePerMinute: pick(changes.privatePricePerMinute, before.privatePricePerMinute),
      groupPricePerMinute: pick(changes.groupPricePerMinute, before.groupPricePerMinute),
      freeSeconds: pick(changes.freeSeconds, before.freeSeconds),
      minimumMinutes: pick(changes.minimumMinutes, before.minimumMinutes),
      incrementSeconds: pick(changes.incrementSeconds, before.incrementSeconds),
    };
    await checkAccessChoice(tx, performer.id, after);
    await tx.room.update({
      where: { performerId: performer.id },
      data: {
        access: after.access,
        requiredPlanId: after.requiredPlanId,
        accessItemId: after.accessItemId,
        meterControl: after.meterControl,
        privatePricePerMinute: after.privatePricePerMinute,
        groupPricePerMinute: after.groupPricePerMinute,
        freeSeconds: after.freeSeconds,
        minimumMinutes: after.minimumMinutes,
        incrementSeconds: after.incrementSeconds,
        tabSplitThreshold,
      },
    });
    await recordAuditWithPrisma(tx, {
      actorId: performer.id,
      action: "room.settings",
      target: { type: "room", id: performer.id },
      details: {
        before: { ...audited(before), tab_split_threshold: row.tabSplitThreshold },
        after: { ...audited(after), tab_split_threshold: tabSplitThreshold },
      },
    });
    return readRoomSettings(tx, performer.id, shows, tabs);
  });
}
