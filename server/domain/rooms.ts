import { z } from "zod";
import type { RateLimitRule } from "./rate-limit";
import type { MeterControl, RoomAccess, Role } from "@/server/generated/prisma/enums";

/**
 * Rules of a performer's live room: who may enter, what a chat message may be, and which show terms a performer
 * may set. Pure: the service gathers the facts, these decide.
 */

export const CHAT_MESSAGE_MAX_LENGTH = 500;
/** Per member, across rooms: enough for a lively chat, too little to flood one. */
export const CHAT_RATE_LIMIT: RateLimitRule = { limit: 5, windowMs: 10_000 };
export const RECENT_MESSAGES_LIMIT = 50;

// Control characters other than tab and newline could hide text or break the layout of other people's chat.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Chat text as it is stored: line breaks normalised, control characters dropped, trimmed, at most one blank line in a row. */
export function normalizeChatMessage(raw: string): string {
  return raw
    .replace(/\r\n?/g, "\n")
    .replace(CONTROL_CHARACTERS, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export const chatMessageSchema = z
  .string()
  .transform(normalizeChatMessage)
  .pipe(
    z
      .string()
      .min(1, "Write a message first.")
      .max(CHAT_MESSAGE_MAX_LENGTH, `A message is at most ${CHAT_MESSAGE_MAX_LENGTH} characters.`),
  );

/** The meter terms a performer may override, within the same ranges the admin defaults allow. */
export const TERM_LIMITS = {
  freeSeconds: { min: 0, max: 3_600 },
  minimumMinutes: { min: 0, max: 60 },
  incrementSeconds: { min: 1, max: 600 },
} as const;

export interface ShowPriceBounds {
  minPricePerMinute: bigint;
  maxPricePerMinute: bigint;
}

/** Why a per-minute price is refused, or null when it is within the admin's bounds. */
export function priceProblem(label: string, price: bigint, bounds: ShowPriceBounds): string | null {
  if (price < bounds.minPricePerMinute || price > bounds.maxPricePerMinute) {
    return `The ${label} price must be between ${bounds.minPricePerMinute} and ${bounds.maxPricePerMinute} credits a minute.`;
  }
  return null;
}

/** What a room row overrides; null falls back to the admin default. */
export interface RoomTermOverrides {
  privatePricePerMinute: bigint | null;
  groupPricePerMinute: bigint | null;
  freeSeconds: number | null;
  minimumMinutes: number | null;
  incrementSeconds: number | null;
}

/** The admin defaults for every room (the `shows` setting). */
export interface ShowDefaults {
  defaultPrivatePricePerMinute: bigint;
  defaultGroupPricePerMinute: bigint;
  freeSeconds: number;
  minimumMinutes: number;
  incrementSeconds: number;
}

export interface ShowTerms {
  privatePricePerMinute: bigint;
  groupPricePerMinute: bigint;
  freeSeconds: number;
  minimumMinutes: number;
  incrementSeconds: number;
}

export function effectiveTerms(room: RoomTermOverrides, defaults: ShowDefaults): ShowTerms {
  return {
    privatePricePerMinute: room.privatePricePerMinute ?? defaults.defaultPrivatePricePerMinute,
    groupPricePerMinute: room.groupPricePerMinute ?? defaults.defaultGroupPricePerMinute,
    freeSeconds: room.freeSeconds ?? defaults.freeSeconds,
    minimumMinutes: room.minimumMinutes ?? defaults.minimumMinutes,
    incrementSeconds: room.incrementSeconds ?? defaults.incrementSeconds,
  };
}

export const ROOM_ACCESS_VALUES = ["PUBLIC", "MEMBERSHIP", "PAID"] as const satisfies readonly RoomAccess[];
export const METER_CONTROL_VALUES = ["AUTOMATIC", "PERFORMER_STARTS", "PERFORMER_CONTROLS"] as const satisfies readonly MeterControl[];

export type RoomEntry = { ok: true } | { ok: false; reason: string };

/** What the service found out about one user and one room. */
export interface RoomEntryFacts {
  isRoomPerformer: boolean;
  role: Role;
  /** An approved, active performer: anyone else's room is closed. */
  performerAvailable: boolean;
  removed: boolean;
  access: RoomAccess;
  /** MEMBERSHIP: a membership of the room's plan grants access now. PAID: the room's access item is unlocked. */
  accessGranted: boolean;
  planName: string | null;
  accessItemTitle: string | null;
}

export const REMOVED_REASON = "You were removed from this room.";

/** The performer and admins always enter; everyone else only an open room they were not removed from and may access. */
export function decideRoomEntry(facts: RoomEntryFacts): RoomEntry {
  if (facts.isRoomPerformer || facts.role === "ADMIN") return { ok: true };
  if (!facts.performerAvailable) return { ok: false, reason: "This room is closed." };
  if (facts.removed) return { ok: false, reason: REMOVED_REASON };
  if (facts.access === "PUBLIC" || facts.accessGranted) return { ok: true };
  if (facts.access === "MEMBERSHIP") {
    return {
      ok: false,
      reason: facts.planName ? `This room is for members of “${facts.planName}”. Join the plan to enter.` : "This room is for members only.",
    };
  }
  return {
    ok: false,
    reason: facts.accessItemTitle ? `Entry to this room is paid: unlock “${facts.accessItemTitle}” to enter.` : "Entry to this room is paid.",
  };
}

/** Who may mute, remove and readmit members: the room's performer, and administrators in any room. */
export function moderationProblem(actor: { id: string; role: Role }, performerId: string): string | null {
  if (actor.role === "ADMIN") return null;
  if (actor.role === "PERFORMER") return actor.id === performerId ? null : "You can only moderate your own room.";
  return "Only the room's performer or an administrator can do that.";
}
