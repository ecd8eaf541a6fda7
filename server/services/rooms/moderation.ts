import "server-only";
import { z } from "zod";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { moderationProblem } from "@/server/domain/rooms";
import type { Prisma } from "@/server/generated/prisma/client";
import type { RoomRestrictionKind } from "@/server/generated/prisma/enums";
import { enqueueWithPrisma } from "@/server/outbox/messages";
import { recordAuditWithPrisma } from "../audit/record";
import { endShowsForMember } from "../shows/sweep";
import { moderationMessage } from "./notices";
import { type RoomActor, roomSchema } from "./room-access";

/**
 * Bans and mutes in a performer's room, written with Prisma Client: the performer (or an admin) mutes, unmutes,
 * removes or readmits a member, audited and told to the room in the same transaction; who is restricted now.
 */

interface ActiveRestrictions {
  muted: boolean;
  removed: boolean;
}

/** Whether the member is muted or removed in the performer's room right now. */
export async function activeRestrictions(performerId: string, memberId: string): Promise<ActiveRestrictions> {
  const rows = await prisma.roomRestriction.findMany({
    where: { performerId, memberId, OR: [{ until: null }, { until: { gt: new Date() } }] },
    select: { kind: true },
  });
  return { muted: rows.some((row) => row.kind === "MUTED"), removed: rows.some((row) => row.kind === "REMOVED") };
}

/** The performer acts on their own room (no id needed); an admin names the room. */
export const moderationSchema = z.object({ performerId: z.uuid().optional(), memberId: z.uuid() });
export type ModerationInput = z.input<typeof moderationSchema>;

type ModerationAction = "mute" | "unmute" | "remove" | "readmit";

/** Checks the actor may moderate the room and the member may be moderated in it; returns the room's performer. */
async function moderatedRoom(tx: Prisma.TransactionClient, actor: RoomActor, performerId: string | undefined, memberId: string): Promise<string> {
  const room = performerId ?? (actor.role === "PERFORMER" ? actor.id : undefined);
  if (!room) throw new DomainError("BAD_REQUEST", "Name the room's performer.");
  const problem = moderationProblem(actor, room);
  if (problem) throw new DomainError("FORBIDDEN", problem);
  const users = await tx.user.findMany({ where: { id: { in: [room, memberId] } }, select: { id: true, role: true } });
  if (users.find((user) => user.id === room)?.role !== "PERFORMER") throw new DomainError("NOT_FOUND", "There is no such room.");
  const member = users.find((user) => user.id === memberId);
  if (!member) throw new DomainError("NOT_FOUND", "There is no such member.");
  if (memberId === room) throw new DomainError("BAD_REQUEST", "The performer can't be muted or removed in their own room.");
  if (member.role === "ADMIN") throw new DomainError("FORBIDDEN", "Administrators can't be muted or removed.");
  return room;
}

async function moderate(actor: RoomActor, input: ModerationInput, action: ModerationAction): Promise<{ performerId: string; memberId: string }> {
  const { performerId, memberId } = moderationSchema.parse(input);
  const room = await prisma.$transaction(async (tx) => {
    const roomId = await moderatedRoom(tx, actor, performerId, memberId);
    const kind: RoomRestrictionKind = action === "mute" || action === "unmute" ? "MUTED" : "REMOVED";
    if (action === "mute" || action === "remove") {
      await tx.roomRestriction.upsert({
        where: { performerId_memberId_kind: { performerId: roomId, memberId, kind } },
        create: { performerId: roomId, memberId, kind, createdById: actor.id },
        update: { until: null, createdById: actor.id, createdAt: new Date() },
      });
    } else {
      await tx.roomRestriction.deleteMany({ where: { performerId: roomId, memberId, kind } });
    }
    const auditId = await recordAuditWithPrisma(tx, { actorId: actor.id, action: `room.${action}`, target: { type: "room", id: roomId }, details: { memberId } });
    if (action !== "readmit") await enqueueWithPrisma(tx, [moderationMessage(roomId, auditId, action, memberId)]);
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
  const restrictions = await prisma.roomRestriction.findMany({
    where: { performerId, OR: [{ until: null }, { until: { gt: new Date() } }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { memberId: true, kind: true, createdAt: true },
  });
  const members = await prisma.user.findMany({
    where: { id: { in: [...new Set(restrictions.map((restriction) => restriction.memberId))] } },
    select: { id: true, displayName: true },
  });
  const nameOf = new Map(members.map((member) => [member.id, member.displayName]));
  return restrictions.flatMap((restriction) => {
    const displayName = nameOf.get(restriction.memberId);
    return displayName === undefined ? [] : [{ memberId: restriction.memberId, displayName, kind: restriction.kind, since: restriction.createdAt }];
  });
}
