import "server-only";
import { prisma } from "@/server/db/client";
import type { ShowEndReason, ShowSide } from "@/server/domain/shows";
import type { ShowKind, ShowStatus } from "@/server/generated/prisma/enums";
import { type ShowActor, endReasonOf } from "./common";

/**
 * Past shows, newest first, read with Prisma Client: a member's own meters, or a performer's shows with the totals
 * their ending settlement wrote to the show row (member_count, charged, metered_seconds, performer_share).
 */

export interface ShowHistoryItem {
  showId: string;
  kind: ShowKind;
  status: ShowStatus;
  side: ShowSide;
  /** The performer's stage name (member side) or the member(s) (performer side). */
  with: string;
  performerUsername: string;
  pricePerMinute: bigint;
  members: number;
  meteredSeconds: number;
  charged: bigint;
  /** Performer side: their share of the charges. */
  earned: bigint | null;
  endReason: ShowEndReason | null;
  startedAt: Date;
  endedAt: Date | null;
}

const HISTORY_LIMIT = 100;

/** The caller's past shows, newest first: a member's meters, or a performer's shows with their settlement. */
export async function showHistory(actor: ShowActor): Promise<ShowHistoryItem[]> {
  return actor.role === "PERFORMER" ? performerHistory(actor.id) : memberHistory(actor.id);
}

async function performerHistory(performerId: string): Promise<ShowHistoryItem[]> {
  const [performer, shows] = await Promise.all([
    prisma.user.findUnique({ where: { id: performerId }, select: { username: true } }),
    prisma.show.findMany({
      where: { performerId, status: { in: ["ENDED", "DECLINED"] } },
      orderBy: { createdAt: "desc" },
      take: HISTORY_LIMIT,
      select: {
        id: true,
        kind: true,
        status: true,
        pricePerMinute: true,
        createdAt: true,
        endedAt: true,
        endReason: true,
        charged: true,
        meteredSeconds: true,
        performerShare: true,
        participants: { select: { memberId: true }, orderBy: { joinedAt: "asc" } },
      },
    }),
  ]);
  if (!performer) return [];
  const memberIds = [...new Set(shows.flatMap((show) => show.participants.map((participant) => participant.memberId)))];
  const members = await prisma.user.findMany({ where: { id: { in: memberIds } }, select: { id: true, displayName: true } });
  const nameOf = new Map(members.map((member) => [member.id, member.displayName]));
  return shows.map((show) => ({
    showId: show.id,
    kind: show.kind,
    status: show.status,
    side: "performer",
    with: show.participants.map((participant) => nameOf.get(participant.memberId) ?? "").join(", "),
    performerUsername: performer.username,
    pricePerMinute: show.pricePerMinute,
    members: show.participants.length,
    meteredSeconds: Number(show.meteredSeconds),
    charged: show.charged,
    earned: show.performerShare,
    endReason: endReasonOf(show.endReason),
    startedAt: show.createdAt,
    endedAt: show.endedAt,
  }));
}

async function memberHistory(memberId: string): Promise<ShowHistoryItem[]> {
  const meters = await prisma.showParticipant.findMany({
    where: { memberId, status: "ENDED" },
    orderBy: { joinedAt: "desc" },
    take: HISTORY_LIMIT,
    select: {
      joinedAt: true,
      endedAt: true,
      meteredSeconds: true,
      settled: true,
      endReason: true,
      show: { select: { id: true, kind: true, status: true, pricePerMinute: true, performerId: true } },
    },
  });
  const performerIds = [...new Set(meters.map((meter) => meter.show.performerId))];
  const performers = await prisma.user.findMany({
    where: { id: { in: performerIds } },
    select: { id: true, username: true, performerProfile: { select: { stageName: true } } },
  });
  const performerOf = new Map(performers.map((performer) => [performer.id, performer]));
  return meters.flatMap((meter) => {
    const performer = performerOf.get(meter.show.performerId);
    if (!performer?.performerProfile) return [];
    return [
      {
        showId: meter.show.id,
        kind: meter.show.kind,
        status: meter.show.status,
        side: "member" as const,
        with: performer.performerProfile.stageName,
        performerUsername: performer.username,
        pricePerMinute: meter.show.pricePerMinute,
        members: 1,
        meteredSeconds: meter.meteredSeconds,
        charged: meter.settled,
        earned: null,
        endReason: endReasonOf(meter.endReason),
        startedAt: meter.joinedAt,
        endedAt: meter.endedAt,
      },
    ];
  });
}
