import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { LIVE_ROOMS_SHOWN, MAX_PAGE, PERFORMERS_PER_PAGE, pageCount } from "@/server/domain/discover";
import type { RoomAccess } from "@/server/generated/prisma/enums";

/**
 * What a member browses to find someone: the rooms live right now and every performer whose page is public.
 * Public data only (the same performers /p/<username> shows), so it needs no viewer.
 */

/** Approved, active performers: the ones with a public page and a room that can be entered. */
const OPEN_PERFORMER_SQL = `u.role = 'PERFORMER' AND u.status = 'ACTIVE' AND p.status = 'APPROVED'`;

export const discoverSchema = z.object({ page: z.number().int().min(1).max(MAX_PAGE).default(1) });

export interface LiveRoom {
  username: string;
  stageName: string;
  onlineSince: Date | null;
  access: RoomAccess;
}

export interface DirectoryPerformer {
  username: string;
  stageName: string;
  bio: string;
  online: boolean;
}

export interface DiscoverView {
  live: { rooms: LiveRoom[]; total: number };
  performers: { items: DirectoryPerformer[]; total: number; page: number; pageCount: number };
}

export async function discover(input: z.input<typeof discoverSchema>): Promise<DiscoverView> {
  const { page } = discoverSchema.parse(input);
  const [live, liveCount, performers, performerCount] = await Promise.all([
    pool.query<{ username: string; stage_name: string; online_since: Date | null; access: RoomAccess }>(
      `SELECT u.username, p.stage_name, r.online_since, r.access
         FROM rooms r JOIN users u ON u.id = r.performer_id JOIN performer_profiles p ON p.user_id = u.id
        WHERE r.online AND ${OPEN_PERFORMER_SQL}
        ORDER BY r.online_since DESC NULLS LAST, u.username
        LIMIT $1`,
      [LIVE_ROOMS_SHOWN],
    ),
    pool.query<{ total: number }>(
      `SELECT count(*)::int AS total
         FROM rooms r JOIN users u ON u.id = r.performer_id JOIN performer_profiles p ON p.user_id = u.id
        WHERE r.online AND ${OPEN_PERFORMER_SQL}`,
    ),
    // Live performers first, then by name; the username breaks ties so pages never overlap.
    pool.query<{ username: string; stage_name: string; bio: string; online: boolean }>(
      `SELECT u.username, p.stage_name, p.bio, coalesce(r.online, false) AS online
         FROM performer_profiles p JOIN users u ON u.id = p.user_id LEFT JOIN rooms r ON r.performer_id = u.id
        WHERE ${OPEN_PERFORMER_SQL}
        ORDER BY coalesce(r.online, false) DESC, lower(p.stage_name), u.username
        LIMIT $1 OFFSET $2`,
      [PERFORMERS_PER_PAGE, (page - 1) * PERFORMERS_PER_PAGE],
    ),
    pool.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM performer_profiles p JOIN users u ON u.id = p.user_id WHERE ${OPEN_PERFORMER_SQL}`,
    ),
  ]);
  const performerTotal = performerCount.rows[0]?.total ?? 0;
  return {
    live: {
      rooms: live.rows.map((row) => ({ username: row.username, stageName: row.stage_name, onlineSince: row.online_since, access: row.access })),
      total: liveCount.rows[0]?.total ?? 0,
    },
    performers: {
      items: performers.rows.map((row) => ({ username: row.username, stageName: row.stage_name, bio: row.bio, online: row.online })),
      total: performerTotal,
      page,
      pageCount: pageCount(performerTotal, PERFORMERS_PER_PAGE),
    },
  };
}
