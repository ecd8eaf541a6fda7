import "server-only";
import type { Pool } from "pg";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import type { ShowEndReason } from "@/server/domain/shows";
import { mapLedgerError } from "@/server/ledger/post";

/**
 * The show meter's engine, over the SQL functions of the show_metering migration. Nothing here keeps state: a
 * meter is its show_participants row (metered_seconds, running_since, settled, held) read against the database
 * clock, so any process may run any step, and a process that dies mid-step leaves a transaction that rolled back.
 *
 * `at` stands in for the database clock (tests and the bench move time with it); production passes nothing and
 * every step uses now() of its transaction. Job code and the bench import this module, which needs no
 * environment: no next/*, pusher or app pool here (the caller passes its pool and the settings it read).
 */

/** The settings a settlement applies (common.ts reads them: meterParams). */
export interface MeterParams {
  staleSeconds: number;
  offlineTimeoutSeconds: number;
  lowBalanceSeconds: number;
  holdDaysPrivate: number;
  holdDaysGroup: number;
}

/** One meter that moved, or (participantId null) one show that ended. */
export interface MeterChange {
  showId: string;
  participantId: string | null;
  memberId: string | null;
  performerId: string;
  charged: bigint;
  released: bigint;
  /** Moved from the member's available to held credits, to hold the next settlement period ahead. */
  toppedUp: bigint;
  meteredSeconds: number | null;
  secondsLeft: number | null;
  endReason: ShowEndReason | null;
  paused: boolean;
  resumed: boolean;
  lowBalance: boolean;
}

interface MeterChangeRow {
  show_id: string;
  participant_id: string | null;
  member_id: string | null;
  performer_id: string;
  charged: string;
  released: string;
  topped_up: string;
  metered_seconds: string | null;
  seconds_left: string | null;
  end_reason: ShowEndReason | null;
  paused: boolean;
  resumed: boolean;
  low_balance: boolean;
}

function meterChangeFrom(row: MeterChangeRow): MeterChange {
  return {
    showId: row.show_id,
    participantId: row.participant_id,
    memberId: row.member_id,
    performerId: row.performer_id,
    charged: BigInt(row.charged),
    released: BigInt(row.released),
    toppedUp: BigInt(row.topped_up),
    meteredSeconds: row.metered_seconds === null ? null : Number(row.metered_seconds),
    secondsLeft: row.seconds_left === null ? null : Number(row.seconds_left),
    endReason: row.end_reason,
    paused: row.paused,
    resumed: row.resumed,
    lowBalance: row.low_balance,
  };
}

export interface SettleOptions {
  at?: Date | null;
  /** Ends every meter of the shows (and the shows), or only `onlyMemberId`'s meter. */
  endReason?: ShowEndReason;
  onlyMemberId?: string;
  actorId?: string | null;
}

/**
 * Brings the meters of `showIds` up to date inside the caller's transaction, which must hold the shows' row locks
 * (SELECT ... FOR UPDATE): due charges are posted, a meter that keeps going has the next settlement period held
 * (server/domain/metering.ts, holdTarget), an ending one's unused hold is released; meters pause, resume or end.
 */
export async function settleShows(
  db: Queryable,
  showIds: readonly string[],
  params: MeterParams,
  options: SettleOptions = {},
): Promise<MeterChange[]> {
  if (showIds.length === 0) return [];
  try {
    const { rows } = await db.query<MeterChangeRow>(
      `SELECT * FROM show_meter_settle($1::uuid[], $2::timestamptz, $3, $4::uuid, $5::uuid, $6, $7, $8, $9, $10)`,
      [
        showIds,
        options.at ?? null,
        options.endReason ?? null,
        options.onlyMemberId ?? null,
        options.actorId ?? null,
        params.staleSeconds,
        params.offlineTimeoutSeconds,
        params.lowBalanceSeconds,
        params.holdDaysPrivate,
        params.holdDaysGroup,
      ],
    );
    return rows.map(meterChangeFrom);
  } catch (error) {
    return mapLedgerError(error);
  }
}

export const SWEEP_BATCH_SHOWS = 2_000;

/**
 * Locks the shows of `showIds` that are still live, FOR UPDATE SKIP LOCKED: a show someone is acting on right now
 * (ending it, say) is skipped, since that action settles it itself, and concurrent sweepers split the work.
 */
export async function lockLiveShows(db: Queryable, showIds: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM shows WHERE id = ANY($1::uuid[]) AND status = 'LIVE' ORDER BY id FOR UPDATE SKIP LOCKED",
    [showIds],
  );
  return rows.map((row) => row.id);
}

/** The live shows with something to do at `at` (a read: nothing is locked). */
export async function dueShows(db: Queryable, params: MeterParams, at: Date | null = null): Promise<string[]> {
  const { rows } = await db.query<{ ids: string[] }>("SELECT show_meter_due($1::timestamptz, $2, $3, $4) AS ids", [
    at,
    params.staleSeconds,
    params.offlineTimeoutSeconds,
    params.lowBalanceSeconds,
  ]);
  return rows[0]?.ids ?? [];
}

export interface SweepOptions {
  at?: Date | null;
  /** Shows per database transaction. */
  batchShows?: number;
  /** Called inside each batch's transaction with what it changed, to write what the changes announce (the outbox). */
  onBatch?: (changes: MeterChange[], db: Queryable) => Promise<void>;
}

export interface SweepResult {
  batches: number;
  shows: number;
  changes: number;
  charged: bigint;
}

/**
 * Settles every live show that has something to do: one read finds them all, then batch by batch, each batch one
 * transaction that locks its shows and settles them all in one statement.
 */
export async function sweepMeters(pool: Pool, params: MeterParams, options: SweepOptions = {}): Promise<SweepResult> {
  const limit = options.batchShows ?? SWEEP_BATCH_SHOWS;
  const due = await dueShows(pool, params, options.at ?? null);
  const result: SweepResult = { batches: 0, shows: 0, changes: 0, charged: 0n };
  for (let start = 0; start < due.length; start += limit) {
    const batch = await withTransaction(pool, async (db) => {
      const ids = await lockLiveShows(db, due.slice(start, start + limit));
      const changes = await settleShows(db, ids, params, { at: options.at });
      await options.onBatch?.(changes, db);
      return { ids, changes };
    });
    result.batches += 1;
    result.shows += batch.ids.length;
    result.changes += batch.changes.length;
    result.charged += batch.changes.reduce((sum, change) => sum + change.charged, 0n);
  }
  return result;
}
