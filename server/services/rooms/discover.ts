import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { LIVE_ROOMS_SHOWN, MAX_PAGE, PERFORMERS_PER_PAGE, pageCount } from "@/server/domain/discover";
import type { RoomAccess } from "@/server/generated/prisma/enums";
import { countLiveRooms, countOpenPerformers, selectDirectoryPage, selectLiveRooms } from "./queries";

/**
 * What a member browses to find someone: the rooms live right now and every performer whose page is public.
 * Public data only (the same performers /p/<username> shows), so it needs no viewer.
 */

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
  const [live, liveTotal, performers, performerTotal] = await Promise.all([
    selectLiveRooms(pool, LIVE_ROOMS_SHOWN),
    countLiveRooms(pool),
    selectDirectoryPage(pool, PERFORMERS_PER_PAGE, (page - 1) * PERFORMERS_PER_PAGE),
    countOpenPerformers(pool),
  ]);
  return {
    live: {
      rooms: live.map((row) => ({ username: row.username, stageName: row.stage_name, onlineSince: row.online_since, access: row.access })),
      total: liveTotal,
    },
    performers: {
      items: performers.map((row) => ({ username: row.username, stageName: row.stage_name, bio: row.bio, online: row.online })),
      total: performerTotal,
      page,
      pageCount: pageCount(performerTotal, PERFORMERS_PER_PAGE),
    },
  };
}
