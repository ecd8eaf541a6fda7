import "server-only";
import { pool, prisma } from "@/server/db/client";
import { REQUEST_TTL_SECONDS, type ShowEndReason } from "@/server/domain/shows";
import { enqueue, transactionTag } from "@/server/outbox/messages";
import { type ShowOptions, meterParams } from "./common";
import { type MeterChange, type MeterParams, type SweepResult, settleShows, sweepMeters } from "./metering";
import { announce, changeShows } from "./notices";
import { lockExpiredRequests } from "./queries";
import { closeRequest, lockShow } from "./steps";
import { autoTopUpAfterSettle } from "../wallet/top-ups";

/**
 * The glue between the meter engine (metering.ts) and what happens around it: the `shows.sweep` job's run, which
 * also drops requests nobody answered, and ending shows when a room closes or removes a member. Each writes what
 * it announces (notices.ts) in the transaction of the change.
 */

/**
 * Ends every live show of the performer and declines their open requests, settling each (the room went
 * offline, say). Each show is its own transaction, so one refusal cannot hold up the others.
 */
export async function endShowsForPerformer(performerId: string, reason: ShowEndReason, options: ShowOptions = {}): Promise<number> {
  const shows = await prisma.show.findMany({
    where: { performerId, status: { in: ["REQUESTED", "LIVE"] } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  return endEach(shows, performerId, reason, null, options);
}

/**
 * Ends the member's part in the performer's shows (removed from the room): their open request is closed, a private
 * show ends, and in a group show only their meter stops.
 */
export async function endShowsForMember(performerId: string, memberId: string, reason: ShowEndReason, options: ShowOptions = {}): Promise<number> {
  const shows = await prisma.show.findMany({
    where: { performerId, status: { in: ["REQUESTED", "LIVE"] }, participants: { some: { memberId, status: "ACTIVE" } } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  return endEach(shows, performerId, reason, memberId, options);
}

/** Ends each show in its own transaction, so one refusal cannot hold up the others; `memberId` limits a group show to that member. */
async function endEach(
  shows: readonly { id: string }[],
  performerId: string,
  reason: ShowEndReason,
  memberId: string | null,
  options: ShowOptions,
): Promise<number> {
  let ended = 0;
  for (const { id } of shows) {
    const changes = await changeShows(options, async (db) => {
      const show = await lockShow(db, id);
      if (show.status === "REQUESTED") return closeRequest(db, id, memberId ? reason : "declined", options);
      if (show.status !== "LIVE") return [];
      const onlyMember = memberId && show.kind === "GROUP" ? { onlyMemberId: memberId } : {};
      return settleShows(db, [id], await meterParams(db), { at: options.at, endReason: reason, actorId: performerId, ...onlyMember });
    }, (db, changes, tag) => announce(db, changes, tag, options));
    if (changes.length > 0) ended += 1;
  }
  return ended;
}

/**
 * One sweep: drop requests nobody answered, then settle every live show with something to do (see
 * sweepMeters), each batch writing what it announces in its own transaction; then the automatic top-up of each
 * member whose meter moved (server/services/wallet/top-ups.ts).
 */
export async function runShowSweep(options: ShowOptions = {}): Promise<SweepResult> {
  const params = await meterParams(pool);
  await expireRequests(params, options);
  const settledMembers: string[] = [];
  const result = await sweepMeters(pool, params, {
    at: options.at,
    onBatch: async (changes, db) => {
      for (const change of changes) if (change.memberId && change.endReason === null) settledMembers.push(change.memberId);
      if (!options.quiet) await enqueue(db, await announce(db, changes, await transactionTag(db), options));
    },
  });
  // After the batches commit, each in its own transaction: a refused top-up must not undo a settlement.
  await autoTopUpAfterSettle(pool, settledMembers, { at: options.at });
  return result;
}

async function expireRequests(params: MeterParams, options: ShowOptions): Promise<void> {
  await changeShows(options, async (db) => {
    const expired = await lockExpiredRequests(db, options.at ?? null, REQUEST_TTL_SECONDS, params.offlineTimeoutSeconds);
    const closed: MeterChange[] = [];
    for (const id of expired) closed.push(...(await closeRequest(db, id, "request_expired", options)));
    return closed;
  }, (db, changes, tag) => announce(db, changes, tag, options));
}
