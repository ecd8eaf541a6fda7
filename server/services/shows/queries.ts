import "server-only";
import type { Queryable } from "@/server/db/transaction";
import type { MeterControl, ParticipantStatus, ShowKind, ShowStatus } from "@/server/generated/prisma/enums";
import type { MeterParams } from "./metering";

/**
 * The hand-written SQL of shows, each statement a named function with a typed row. They stay SQL because one
 * statement matters: they run inside the transaction that locks a show and settles its meters with ledger postings
 * (which Prisma can't join), read the meter through the show_meter_plan function against the database clock, or
 * do in one statement what the hot path repeats (the heartbeat). Covered by shows.int.test.ts through the use cases.
 * `at` stands in for the database clock (tests and demo data); null means now().
 */

export interface ShowRecord {
  id: string;
  performer_id: string;
  kind: ShowKind;
  status: ShowStatus;
  requested_by_id: string | null;
  price_per_minute: string;
  free_seconds: number;
  minimum_minutes: number;
  increment_seconds: number;
  min_members: number | null;
  meter_control: MeterControl;
  settle_threshold: string;
  performer_paused: boolean;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
}

const SHOW_COLUMNS = `s.id, s.performer_id, s.kind, s.status, s.requested_by_id, s.price_per_minute, s.free_seconds, s.minimum_minutes,
  s.increment_seconds, s.min_members, s.meter_control, s.settle_threshold, s.performer_paused, s.created_at, s.started_at,
  s.ended_at, s.end_reason`;

// ---------------------------------------------------------------------------------------------------------------
// The meter view

export interface ShowViewRow extends ShowRecord {
  stage_name: string;
  at: Date;
  performer_present: boolean;
}

export async function selectShowForView(db: Queryable, showId: string, at: Date | null, staleSeconds: number): Promise<ShowViewRow | undefined> {
  const { rows } = await db.query<ShowViewRow>(
    `SELECT ${SHOW_COLUMNS}, pp.stage_name, coalesce($2::timestamptz, now()) AS at,
            coalesce(s.performer_seen_at >= coalesce($2::timestamptz, now()) - make_interval(secs => $3), false) AS performer_present
       FROM shows s JOIN performer_profiles pp ON pp.user_id = s.performer_id WHERE s.id = $1`,
    [showId, at, staleSeconds],
  );
  return rows[0];
}

export interface MeterRow {
  id: string;
  member_id: string;
  display_name: string;
  status: ParticipantStatus;
  metered_seconds: number;
  settled: string;
  held: string;
  end_reason: string | null;
  member_present: boolean;
  metered_now: string | null;
  billed_now: string | null;
  /** Running and not due to pause: a side that went quiet stops the meter before the sweep records it. */
  running_now: boolean;
  /** The wallet that pays this meter. */
  wallet_type_id: string;
  wallet_name: string;
}

/** Every meter of the show as the database clock has it now (show_meter_plan), oldest member first. */
export async function selectMeters(db: Queryable, showId: string, at: Date | null, params: MeterParams): Promise<MeterRow[]> {
  const { rows } = await db.query<MeterRow>(
    `SELECT p.id, p.member_id, u.display_name, p.status, p.metered_seconds, p.settled, p.held, p.end_reason, p.wallet_type_id,
            wt.name AS wallet_name,
            coalesce(p.member_seen_at >= coalesce($2::timestamptz, now()) - make_interval(secs => $3), false) AS member_present,
            plan.metered AS metered_now, plan.billed AS billed_now,
            coalesce(plan.keeps_running, false) AND p.running_since IS NOT NULL AS running_now
       FROM show_participants p
       JOIN users u ON u.id = p.member_id
       JOIN wallet_types wt ON wt.id = p.wallet_type_id
       LEFT JOIN show_meter_plan(ARRAY[$1]::uuid[], coalesce($2::timestamptz, now()), NULL, NULL, $3, $4, $5) plan
         ON plan.participant_id = p.id
      WHERE p.show_id = $1
      ORDER BY p.joined_at, p.id`,
    [showId, at, params.staleSeconds, params.offlineTimeoutSeconds, params.lowBalanceSeconds],
  );
  return rows;
}

/** The performer's share of the charges posted so far (show_performer_share, over the ledger). */
export async function selectPerformerShare(db: Queryable, showId: string): Promise<bigint> {
  const { rows } = await db.query<{ share: string }>("SELECT show_performer_share($1) AS share", [showId]);
  return BigInt(rows[0]?.share ?? "0");
}

// ---------------------------------------------------------------------------------------------------------------
// Locks and checks

export async function lockShowRow(db: Queryable, showId: string): Promise<ShowRecord | undefined> {
  const { rows } = await db.query<ShowRecord>(`SELECT ${SHOW_COLUMNS} FROM shows s WHERE s.id = $1 FOR UPDATE`, [showId]);
  return rows[0];
}

/** Advisory lock on "the shows of" one performer or member, for the rest of the transaction. */
export async function lockShowsOfUser(db: Queryable, kind: "performer" | "member", userId: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`shows-of-${kind}:${userId}`]);
}

/** The open show (requested or live) the member is active in, if any. */
export async function selectMemberOpenShow(
  db: Queryable,
  memberId: string,
): Promise<{ status: ShowStatus; kind: ShowKind; stage_name: string } | undefined> {
  const { rows } = await db.query<{ status: ShowStatus; kind: ShowKind; stage_name: string }>(
    `SELECT s.status, s.kind, pp.stage_name FROM show_participants p
       JOIN shows s ON s.id = p.show_id JOIN performer_profiles pp ON pp.user_id = s.performer_id
      WHERE p.member_id = $1 AND p.status = 'ACTIVE' AND s.status IN ('REQUESTED', 'LIVE') LIMIT 1`,
    [memberId],
  );
  return rows[0];
}

/** The kind of the performer's live show other than `exceptShowId`, if they have one. */
export async function selectPerformerLiveShowKind(db: Queryable, performerId: string, exceptShowId: string | null): Promise<ShowKind | undefined> {
  const { rows } = await db.query<{ kind: ShowKind }>(
    "SELECT kind FROM shows WHERE performer_id = $1 AND status = 'LIVE' AND id IS DISTINCT FROM $2::uuid LIMIT 1",
    [performerId, exceptShowId],
  );
  return rows[0]?.kind;
}

export async function selectRoomOnline(db: Queryable, performerId: string): Promise<boolean> {
  const { rows } = await db.query<{ online: boolean }>("SELECT online FROM rooms WHERE performer_id = $1", [performerId]);
  return rows[0]?.online ?? false;
}

export async function selectStageName(db: Queryable, performerId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ stage_name: string }>("SELECT stage_name FROM performer_profiles WHERE user_id = $1", [performerId]);
  return rows[0]?.stage_name;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests, starts and joins

/** Whether a show with this id exists, and who requested it (a retried request finds its first row). */
export async function selectShowRequester(db: Queryable, showId: string): Promise<{ requested_by_id: string | null } | undefined> {
  const { rows } = await db.query<{ requested_by_id: string | null }>("SELECT requested_by_id FROM shows WHERE id = $1", [showId]);
  return rows[0];
}

/** The terms a show is created with, copied from the room (server/services/shows/steps.ts planShow). */
export interface NewShowTerms {
  pricePerMinute: bigint;
  freeSeconds: number;
  minimumMinutes: number;
  incrementSeconds: number;
  meterControl: MeterControl;
  settleThreshold: bigint;
}

export async function insertPrivateRequest(
  db: Queryable,
  show: { id: string; performerId: string; memberId: string; terms: NewShowTerms; at: Date | null },
): Promise<void> {
  const { terms } = show;
  await db.query(
    `INSERT INTO shows (id, performer_id, kind, status, requested_by_id, price_per_minute, free_seconds, minimum_minutes,
                        increment_seconds, meter_control, settle_threshold, created_at)
     VALUES ($1, $2, 'PRIVATE', 'REQUESTED', $3, $4, $5, $6, $7, $8::"MeterControl", $9, coalesce($10::timestamptz, now()))`,
    [
      show.id,
      show.performerId,
      show.memberId,
      terms.pricePerMinute.toString(),
      terms.freeSeconds,
      terms.minimumMinutes,
      terms.incrementSeconds,
      terms.meterControl,
      terms.settleThreshold.toString(),
      show.at,
    ],
  );
}

export async function insertGroupShow(
  db: Queryable,
  show: { id: string; performerId: string; minMembers: number | null; terms: NewShowTerms; at: Date | null },
): Promise<void> {
  const { terms } = show;
  await db.query(
    `INSERT INTO shows (id, performer_id, kind, status, price_per_minute, free_seconds, minimum_minutes, increment_seconds,
                        min_members, meter_control, settle_threshold, performer_seen_at, started_at, created_at)
     VALUES ($1, $2, 'GROUP', 'LIVE', $3, $4, $5, $6, $7, $8::"MeterControl", $9, coalesce($10::timestamptz, now()),
             CASE WHEN $8 = 'AUTOMATIC' AND $7::int IS NULL THEN coalesce($10::timestamptz, now()) END, coalesce($10::timestamptz, now()))`,
    [
      show.id,
      show.performerId,
      terms.pricePerMinute.toString(),
      terms.freeSeconds,
      terms.minimumMinutes,
      terms.incrementSeconds,
      show.minMembers,
      terms.meterControl,
      terms.settleThreshold.toString(),
      show.at,
    ],
  );
}

/** A member's meter, seen now; `held` is what was already moved to held credits for it, from `walletTypeId`, which pays it. */
export async function insertParticipant(
  db: Queryable,
  participant: { id: string; showId: string; memberId: string; held: bigint; at: Date | null; walletTypeId: string },
): Promise<void> {
  await db.query(
    `INSERT INTO show_participants (id, show_id, member_id, status, member_seen_at, joined_at, held, wallet_type_id)
     VALUES ($1, $2, $3, 'ACTIVE', coalesce($4::timestamptz, now()), coalesce($4::timestamptz, now()), $5, $6)`,
    [participant.id, participant.showId, participant.memberId, participant.at, participant.held.toString(), participant.walletTypeId],
  );
}

/** The ledger account of the wallet that pays a meter. */
export async function selectParticipantWalletAccount(db: Queryable, participantId: string): Promise<string> {
  const { rows } = await db.query<{ code: string }>(
    `SELECT a.code FROM show_participants p JOIN ledger_accounts a ON a.owner_id = p.member_id AND a.wallet_type_id = p.wallet_type_id
      WHERE p.id = $1`,
    [participantId],
  );
  const code = rows[0]?.code;
  if (!code) throw new Error(`participant ${participantId} has no paying wallet`);
  return code;
}

export async function selectActiveParticipants(db: Queryable, showId: string): Promise<{ id: string; member_id: string }[]> {
  const { rows } = await db.query<{ id: string; member_id: string }>(
    "SELECT id, member_id FROM show_participants WHERE show_id = $1 AND status = 'ACTIVE'",
    [showId],
  );
  return rows;
}

export async function selectParticipantOf(db: Queryable, showId: string, memberId: string): Promise<{ id: string; status: ParticipantStatus } | undefined> {
  const { rows } = await db.query<{ id: string; status: ParticipantStatus }>(
    "SELECT id, status FROM show_participants WHERE show_id = $1 AND member_id = $2",
    [showId, memberId],
  );
  return rows[0];
}

export async function setParticipantHeld(db: Queryable, participantId: string, held: bigint): Promise<void> {
  await db.query("UPDATE show_participants SET held = $2 WHERE id = $1", [participantId, held.toString()]);
}

/** An accepted request goes live; its meter starts now unless the performer starts it. */
export async function markRequestLive(db: Queryable, showId: string, at: Date | null): Promise<void> {
  await db.query(
    `UPDATE shows SET status = 'LIVE', performer_seen_at = coalesce($2::timestamptz, now()),
            started_at = CASE WHEN meter_control = 'AUTOMATIC' THEN coalesce($2::timestamptz, now()) END
      WHERE id = $1`,
    [showId, at],
  );
}

/** Starts an automatic group show's meter once it has its minimum of members. */
export async function startGroupMeterIfReady(db: Queryable, showId: string, at: Date | null): Promise<void> {
  await db.query(
    `UPDATE shows s SET started_at = coalesce($2::timestamptz, now())
      WHERE s.id = $1 AND s.started_at IS NULL AND s.meter_control = 'AUTOMATIC'
        AND (SELECT count(*) FROM show_participants p WHERE p.show_id = s.id AND p.status = 'ACTIVE') >= coalesce(s.min_members, 1)`,
    [showId, at],
  );
}

/** Declines a request that is still open and ends its member's row; returns who it concerned (none if not open). */
export async function closeRequestRows(
  db: Queryable,
  showId: string,
  reason: string,
  at: Date | null,
): Promise<{ performer_id: string; member_id: string; participant_id: string }[]> {
  const { rows } = await db.query<{ performer_id: string; member_id: string; participant_id: string }>(
    `WITH closed AS (
       UPDATE shows SET status = 'DECLINED', ended_at = coalesce($3::timestamptz, now()), end_reason = $2
        WHERE id = $1 AND status = 'REQUESTED' RETURNING id, performer_id)
     UPDATE show_participants p SET status = 'ENDED', ended_at = coalesce($3::timestamptz, now()), end_reason = $2
       FROM closed WHERE p.show_id = closed.id
     RETURNING closed.performer_id, p.member_id, p.id AS participant_id`,
    [showId, reason, at],
  );
  return rows;
}

/** Requests nobody answered in time, or whose member went away, locked (SKIP LOCKED) to be closed. */
export async function lockExpiredRequests(db: Queryable, at: Date | null, ttlSeconds: number, offlineTimeoutSeconds: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT s.id FROM shows s JOIN show_participants p ON p.show_id = s.id
      WHERE s.status = 'REQUESTED'
        AND (s.created_at < coalesce($1::timestamptz, now()) - make_interval(secs => $2)
             OR coalesce(p.member_seen_at < coalesce($1::timestamptz, now()) - make_interval(secs => $3), true))
      ORDER BY s.id FOR UPDATE OF s SKIP LOCKED`,
    [at, ttlSeconds, offlineTimeoutSeconds],
  );
  return rows.map((row) => row.id);
}

// ---------------------------------------------------------------------------------------------------------------
// The live show

export async function setShowStarted(db: Queryable, showId: string, at: Date | null): Promise<void> {
  await db.query("UPDATE shows SET started_at = coalesce($2::timestamptz, now()) WHERE id = $1", [showId, at]);
}

export async function setPerformerPaused(db: Queryable, showId: string, paused: boolean): Promise<void> {
  await db.query("UPDATE shows SET performer_paused = $2 WHERE id = $1", [showId, paused]);
}

/** Stamps the caller's side of an open show as seen, in one statement; false when they have no open show there. */
export async function stampHeartbeat(db: Queryable, showId: string, userId: string, at: Date | null): Promise<boolean> {
  const { rows } = await db.query<{ live: boolean }>(
    `WITH performer AS (
       UPDATE shows SET performer_seen_at = coalesce($3::timestamptz, now())
        WHERE id = $1 AND performer_id = $2 AND status IN ('REQUESTED', 'LIVE') RETURNING 1),
     member AS (
       UPDATE show_participants p SET member_seen_at = coalesce($3::timestamptz, now())
         FROM shows s
        WHERE p.show_id = $1 AND p.member_id = $2 AND p.status = 'ACTIVE' AND s.id = p.show_id AND s.status IN ('REQUESTED', 'LIVE')
       RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM performer) OR EXISTS (SELECT 1 FROM member) AS live`,
    [showId, userId, at],
  );
  return rows[0]?.live ?? false;
}

/**
 * The caller's show in the performer's room: the performer's live show or else their oldest open request; a
 * member's own requested or live show there, or else the room's live group show. `own`: the caller is in it.
 */
export async function selectCurrentShow(db: Queryable, performerId: string, viewerId: string): Promise<{ id: string; own: boolean } | undefined> {
  const { rows } = await db.query<{ id: string; own: boolean }>(
    viewerId === performerId
      ? `SELECT id, true AS own FROM shows WHERE performer_id = $1 AND status IN ('LIVE', 'REQUESTED')
          ORDER BY status = 'LIVE' DESC, created_at LIMIT 1`
      : `SELECT id, rank = 0 AS own FROM (
           SELECT s.id, 0 AS rank, s.created_at FROM show_participants p JOIN shows s ON s.id = p.show_id
            WHERE p.member_id = $2 AND s.performer_id = $1 AND p.status = 'ACTIVE' AND s.status IN ('REQUESTED', 'LIVE')
           UNION ALL
           SELECT s.id, 1, s.created_at FROM shows s WHERE s.performer_id = $1 AND s.kind = 'GROUP' AND s.status = 'LIVE'
         ) x ORDER BY rank, created_at DESC LIMIT 1`,
    viewerId === performerId ? [performerId] : [performerId, viewerId],
  );
  return rows[0];
}

// ---------------------------------------------------------------------------------------------------------------
// What notices read, in the transaction of the change they announce

export async function selectShowAudience(db: Queryable, showId: string): Promise<{ performer_id: string; member_ids: string[] } | undefined> {
  const { rows } = await db.query<{ performer_id: string; member_ids: string[] }>(
    `SELECT s.performer_id, coalesce(array_agg(p.member_id) FILTER (WHERE p.member_id IS NOT NULL), '{}') AS member_ids
       FROM shows s LEFT JOIN show_participants p ON p.show_id = s.id WHERE s.id = $1 GROUP BY s.performer_id`,
    [showId],
  );
  return rows[0];
}

export interface MemberReceiptRow {
  email: string;
  display_name: string;
  stage_name: string;
  kind: ShowKind;
  price_per_minute: string;
  metered_seconds: number;
  settled: string;
  ended_at: Date | null;
  show_status: ShowStatus;
}

export async function selectMemberReceipt(db: Queryable, participantId: string): Promise<MemberReceiptRow | undefined> {
  const { rows } = await db.query<MemberReceiptRow>(
    `SELECT u.email, u.display_name, pp.stage_name, s.kind, s.price_per_minute, p.metered_seconds, p.settled, p.ended_at,
            s.status AS show_status
       FROM show_participants p JOIN users u ON u.id = p.member_id JOIN shows s ON s.id = p.show_id
       JOIN performer_profiles pp ON pp.user_id = s.performer_id
      WHERE p.id = $1`,
    [participantId],
  );
  return rows[0];
}

export interface ShowRevenueRow {
  email: string;
  stage_name: string;
  kind: ShowKind;
  status: ShowStatus;
  ended_at: Date | null;
  member_count: number;
  charged: string;
  metered_seconds: string;
  performer_share: string;
}

export async function selectShowRevenue(db: Queryable, showId: string): Promise<ShowRevenueRow | undefined> {
  const { rows } = await db.query<ShowRevenueRow>(
    `SELECT u.email, pp.stage_name, s.kind, s.status, s.ended_at, s.member_count, s.charged, s.metered_seconds, s.performer_share
       FROM shows s JOIN users u ON u.id = s.performer_id JOIN performer_profiles pp ON pp.user_id = s.performer_id
      WHERE s.id = $1`,
    [showId],
  );
  return rows[0];
}
