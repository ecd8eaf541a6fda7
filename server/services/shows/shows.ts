import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { storableBigint } from "@/server/domain/storable";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { holdDaysFor } from "@/server/domain/earnings";
import { DomainError, isDomainError } from "@/server/domain/errors";
import { userAccount } from "@/server/domain/ledger";
import {
  LOW_BALANCE_SECONDS,
  type MeterTerms,
  STALE_AFTER_SECONDS,
  chargeFor,
  isLowBalance,
  secondsLeft,
  startHold,
} from "@/server/domain/metering";
import { formatCredits } from "@/server/domain/money";
import { priceProblem } from "@/server/domain/rooms";
import { type PausedReason, REQUEST_TTL_SECONDS, type ShowEndReason, type ShowSide, isShowEndReason, pausedReasonFor } from "@/server/domain/shows";
import { env } from "@/server/env";
import type { MeterControl, ParticipantStatus, Role, ShowKind, ShowStatus } from "@/server/generated/prisma/enums";
import { userChannel } from "@/server/integrations/pusher";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { type OutboxMessage, enqueue, transactionTag } from "@/server/outbox/messages";
import { resolveRate } from "../sales/commissions";
import { canEnterRoom, loadRoomTerms } from "../rooms/room-access";
import { findSellingPerformer } from "../sales/sales";
import { getSetting } from "../settings/settings";
import { showReceiptEmail, showRevenueEmail } from "./emails";
import { type MeterChange, type MeterParams, type SweepResult, settleShows, sweepMeters } from "./metering";

/**
 * Private and group shows metered per minute (issue 5). The meter lives in the database, never in a browser or a
 * process: show_participants holds each member's metered seconds and, while the meter runs, the database time it
 * started running; metered time = metered_seconds + (now() - running_since). Every step that moves a meter runs
 * show_meter_settle (server/services/shows/metering.ts, SQL in the show_metering migration) inside a transaction that
 * locks the show row first, so two steps on one show (both sides ending at once, a sweep) queue and settle once.
 *
 *  - Start: accepting a private request or joining a group show posts a SHOW_HOLD of the first charge due (the
 *    minimum charge) from the member's available to held credits, or refuses with nothing posted; the settlement
 *    in the same transaction tops the hold up to the next settlement period.
 *  - While it runs: the `shows.sweep` job settles every few seconds, posting SHOW_CHARGE (held first, then
 *    available; the performer's share at the PRIVATE_SHOW / GROUP_SHOW rate to pending earnings with an earnings
 *    lot, the rest to revenue) whenever the unposted charge reaches the show's settle threshold (by default every
 *    credit, so each sweep collects what the meter billed and wallets and earnings move with it). It pauses a
 *    meter whose other side missed its heartbeats, resumes it when both are back, and ends it when a side stays
 *    away past the offline timeout or the member's credits run out. After each settlement the meter's hold is
 *    topped up to what the next minute will cost (holdTarget in server/domain/metering.ts), as far as the member's
 *    credits go, so credits the show needs can't be spent or transferred away mid-show.
 *  - End: the final charge and the unused hold's release, exactly once.
 * Realtime events and emails are written to the outbox in the transaction of the change they announce, and the
 * worker's relay delivers them as soon as it commits (it listens for the commit); pages also poll `shows.meter`.
 */

/** Events on a user's private channel. */
export const SHOW_REQUESTED = "show.requested";
export const SHOW_UPDATED = "show.updated";
export const SHOW_ENDED = "show.ended";

export interface ShowEndedPayload {
  showId: string;
  reason: ShowEndReason | null;
  /** What this side's meter(s) charged in total. */
  charged: string;
}

export interface ShowActor {
  id: string;
  role: Role;
}

/**
 * Tests and demo data move time with `at`; the app always uses the database's clock. `quiet` sends no events or
 * emails (demo data is seeded before the realtime server and the mail sink start).
 */
export interface ShowOptions {
  at?: Date;
  quiet?: boolean;
}

export async function meterParams(db: Queryable): Promise<MeterParams> {
  // One after the other: `db` may be a transaction's client, which runs one query at a time.
  const shows = await getSetting(db, "shows");
  const earningsHold = await getSetting(db, "earningsHold");
  return {
    staleSeconds: STALE_AFTER_SECONDS,
    offlineTimeoutSeconds: shows.offlineTimeoutSeconds,
    lowBalanceSeconds: LOW_BALANCE_SECONDS,
    holdDaysPrivate: holdDaysFor(earningsHold, "PRIVATE_SHOW"),
    holdDaysGroup: holdDaysFor(earningsHold, "GROUP_SHOW"),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Views

export interface MeterParticipantView {
  memberId: string;
  displayName: string;
  status: ParticipantStatus;
  meteredSeconds: number;
  charged: bigint;
  running: boolean;
  endReason: ShowEndReason | null;
}

/** A show as one side sees it, computed from the database clock. Returned by every show procedure. */
export interface MeterView {
  showId: string;
  kind: ShowKind;
  status: ShowStatus;
  side: ShowSide;
  /** Member side: whether the viewer has a meter in this show (a live group show they may join has none). */
  joined: boolean;
  performerId: string;
  stageName: string;
  /** Private shows: the member. */
  memberName: string | null;
  pricePerMinute: bigint;
  freeSeconds: number;
  minimumMinutes: number;
  incrementSeconds: number;
  meterControl: MeterControl;
  performerPaused: boolean;
  minMembers: number | null;
  /** Members with a running or paused meter now. */
  members: number;
  meteredSeconds: number;
  /** Owed so far, posted or not. */
  charged: bigint;
  /** Posted to the ledger so far. */
  settled: bigint;
  held: bigint;
  /** Member side: credits left for the show (held plus available, less what is owed and not posted yet). */
  balanceLeft: bigint | null;
  secondsLeft: number | null;
  lowBalance: boolean;
  running: boolean;
  pausedReason: PausedReason | null;
  /** Performer side: their share of the charges posted so far. */
  earned: bigint | null;
  participants: MeterParticipantView[];
  endReason: ShowEndReason | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  /** The database time this view describes. */
  at: Date;
}

interface ShowRecord {
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

function termsOf(show: ShowRecord): MeterTerms {
  return {
    pricePerMinute: BigInt(show.price_per_minute),
    freeSeconds: show.free_seconds,
    minimumMinutes: show.minimum_minutes,
    incrementSeconds: show.increment_seconds,
  };
}

function endReasonOf(value: string | null): ShowEndReason | null {
  return isShowEndReason(value) ? value : null;
}

/**
 * A show the caller is not a party to is answered as one that does not exist: show ids are private, and a
 * different refusal would confirm that the id is real.
 */
const NO_SUCH_SHOW = "That show does not exist.";

async function loadMeterView(db: Queryable, viewer: ShowActor, showId: string, options: ShowOptions = {}): Promise<MeterView> {
  const params = await meterParams(db);
  const at = options.at ?? null;
  const { rows: shows } = await db.query<ShowRecord & { stage_name: string; at: Date; performer_present: boolean }>(
    `SELECT ${SHOW_COLUMNS}, pp.stage_name, coalesce($2::timestamptz, now()) AS at,
            coalesce(s.performer_seen_at >= coalesce($2::timestamptz, now()) - make_interval(secs => $3), false) AS performer_present
       FROM shows s JOIN performer_profiles pp ON pp.user_id = s.performer_id WHERE s.id = $1`,
    [showId, at, params.staleSeconds],
  );
  const show = shows[0];
  if (!show) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
  const { rows: participants } = await db.query<{
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
  }>(
    `SELECT p.id, p.member_id, u.display_name, p.status, p.metered_seconds, p.settled, p.held, p.end_reason,
            coalesce(p.member_seen_at >= coalesce($2::timestamptz, now()) - make_interval(secs => $3), false) AS member_present,
            plan.metered AS metered_now, plan.billed AS billed_now,
            coalesce(plan.keeps_running, false) AND p.running_since IS NOT NULL AS running_now
       FROM show_participants p
       JOIN users u ON u.id = p.member_id
       LEFT JOIN show_meter_plan(ARRAY[$1]::uuid[], coalesce($2::timestamptz, now()), NULL, NULL, $3, $4, $5) plan
         ON plan.participant_id = p.id
      WHERE p.show_id = $1
      ORDER BY p.joined_at, p.id`,
    [showId, at, params.staleSeconds, params.offlineTimeoutSeconds, params.lowBalanceSeconds],
  );

  const side: ShowSide = viewer.id === show.performer_id ? "performer" : "member";
  const own = participants.find((participant) => participant.member_id === viewer.id);
  if (side === "member" && !own) {
    // A live group show is open to look at before joining, but only for those who may enter its room.
    if (!(show.kind === "GROUP" && show.status === "LIVE")) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
    const entry = await canEnterRoom(db, show.performer_id, viewer.id);
    if (!entry.ok) throw new DomainError("FORBIDDEN", entry.reason);
  }

  const terms = termsOf(show);
  const meters = participants.map((participant) => {
    const meteredSeconds = participant.metered_now === null ? participant.metered_seconds : Number(participant.metered_now);
    const billed = participant.billed_now === null ? meteredSeconds : Number(participant.billed_now);
    const settled = BigInt(participant.settled);
    const owed = chargeFor(billed, terms);
    return { participant, meteredSeconds, settled, charged: owed > settled ? owed : settled, held: BigInt(participant.held) };
  });
  const active = meters.filter((meter) => meter.participant.status === "ACTIVE");
  const live = show.status === "LIVE";
  const base = {
    showId: show.id,
    kind: show.kind,
    status: show.status,
    side,
    performerId: show.performer_id,
    stageName: show.stage_name,
    memberName: show.kind === "PRIVATE" ? (participants[0]?.display_name ?? null) : null,
    pricePerMinute: terms.pricePerMinute,
    freeSeconds: terms.freeSeconds,
    minimumMinutes: terms.minimumMinutes,
    incrementSeconds: terms.incrementSeconds,
    meterControl: show.meter_control,
    performerPaused: show.performer_paused,
    minMembers: show.min_members,
    members: active.length,
    endReason: endReasonOf(show.end_reason),
    createdAt: show.created_at,
    startedAt: show.started_at,
    endedAt: show.ended_at,
    at: show.at,
  };
  const facts = {
    status: show.status,
    started: show.started_at !== null,
    performerPaused: show.performer_paused,
    performerPresent: show.performer_present,
    membersShort: show.kind === "GROUP" && (active.length === 0 || (show.min_members !== null && active.length < show.min_members)),
  };

  if (side === "member") {
    const mine = meters.find((meter) => meter.participant.member_id === viewer.id);
    const running = live && mine?.participant.status === "ACTIVE" && mine.participant.running_now;
    let balanceLeft: bigint | null = null;
    let left: number | null = null;
    if (mine && mine.participant.status === "ACTIVE") {
      const wallet = await walletBalances(db, viewer.id);
      const spendable = wallet.restricted || wallet.available < 0n ? 0n : wallet.available;
      const unposted = mine.charged - mine.settled;
      balanceLeft = mine.held + spendable - unposted > 0n ? mine.held + spendable - unposted : 0n;
      left = secondsLeft(mine.settled + mine.held + spendable, mine.meteredSeconds, terms);
    }
    const pausedReason = mine
      ? mine.participant.status === "ENDED" && live
        ? "ended"
        : pausedReasonFor({ ...facts, running: Boolean(running), memberPresent: mine.participant.member_present })
      : null;
    return {
      ...base,
      joined: Boolean(mine),
      meteredSeconds: mine?.meteredSeconds ?? 0,
      charged: mine?.charged ?? 0n,
      settled: mine?.settled ?? 0n,
      held: mine?.held ?? 0n,
      balanceLeft,
      secondsLeft: left,
      lowBalance: Boolean(running) && left !== null && isLowBalance(left),
      running: Boolean(running),
      pausedReason,
      earned: null,
      participants: [],
      endReason: mine?.participant.status === "ENDED" ? endReasonOf(mine.participant.end_reason) ?? base.endReason : base.endReason,
    };
  }

  const running = live && active.some((meter) => meter.participant.running_now);
  const { rows: earned } = await db.query<{ share: string }>("SELECT show_performer_share($1) AS share", [showId]);
  return {
    ...base,
    joined: false,
    meteredSeconds: meters.reduce((longest, meter) => Math.max(longest, meter.meteredSeconds), 0),
    charged: meters.reduce((sum, meter) => sum + meter.charged, 0n),
    settled: meters.reduce((sum, meter) => sum + meter.settled, 0n),
    held: meters.reduce((sum, meter) => sum + meter.held, 0n),
    balanceLeft: null,
    secondsLeft: null,
    lowBalance: false,
    running,
    pausedReason: pausedReasonFor({
      ...facts,
      running,
      memberPresent: active.some((meter) => meter.participant.member_present),
    }),
    earned: BigInt(earned[0]?.share ?? "0"),
    participants: meters.map((meter) => ({
      memberId: meter.participant.member_id,
      displayName: meter.participant.display_name,
      status: meter.participant.status,
      meteredSeconds: meter.meteredSeconds,
      charged: meter.charged,
      running: live && meter.participant.status === "ACTIVE" && meter.participant.running_now,
      endReason: endReasonOf(meter.participant.end_reason),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Locks and checks

async function lockShow(db: Queryable, showId: string): Promise<ShowRecord> {
  const { rows } = await db.query<ShowRecord>(`SELECT ${SHOW_COLUMNS} FROM shows s WHERE s.id = $1 FOR UPDATE`, [showId]);
  const show = rows[0];
  if (!show) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
  return show;
}

/**
 * Serialises the "one show at a time" checks of one member or one performer across app servers. Taken performer
 * first, then member, in every path that takes both.
 */
async function lockShowsOf(db: Queryable, kind: "performer" | "member", userId: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`shows-of-${kind}:${userId}`]);
}

async function assertMemberFree(db: Queryable, memberId: string): Promise<void> {
  const { rows } = await db.query<{ status: ShowStatus; kind: ShowKind; stage_name: string }>(
    `SELECT s.status, s.kind, pp.stage_name FROM show_participants p
       JOIN shows s ON s.id = p.show_id JOIN performer_profiles pp ON pp.user_id = s.performer_id
      WHERE p.member_id = $1 AND p.status = 'ACTIVE' AND s.status IN ('REQUESTED', 'LIVE') LIMIT 1`,
    [memberId],
  );
  const busy = rows[0];
  if (!busy) return;
  throw new DomainError(
    "CONFLICT",
    busy.status === "REQUESTED"
      ? `You already asked ${busy.stage_name} for a private show. Cancel that request first.`
      : `You're already in a ${busy.kind === "PRIVATE" ? "private" : "group"} show with ${busy.stage_name}. End it first.`,
  );
}

async function assertPerformerFree(db: Queryable, performerId: string, exceptShowId: string | null): Promise<void> {
  const { rows } = await db.query<{ kind: ShowKind }>(
    "SELECT kind FROM shows WHERE performer_id = $1 AND status = 'LIVE' AND id IS DISTINCT FROM $2::uuid LIMIT 1",
    [performerId, exceptShowId],
  );
  const busy = rows[0];
  if (busy) throw new DomainError("CONFLICT", `You already have a live ${busy.kind === "PRIVATE" ? "private" : "group"} show. End it first.`);
}

async function assertRoomOnline(db: Queryable, performerId: string, stageName: string): Promise<void> {
  const { rows } = await db.query<{ online: boolean }>("SELECT online FROM rooms WHERE performer_id = $1", [performerId]);
  if (!rows[0]?.online) throw new DomainError("PRECONDITION_FAILED", `${stageName} is offline right now.`);
}

async function assertMayEnter(db: Queryable, performerId: string, memberId: string): Promise<void> {
  const entry = await canEnterRoom(db, performerId, memberId);
  if (!entry.ok) throw new DomainError("FORBIDDEN", entry.reason);
}

function assertRole(actor: ShowActor, role: Role, message: string): void {
  if (actor.role !== role) throw new DomainError("FORBIDDEN", message);
}

/** A request key names the row it creates, so a retried request finds the first one. */
function uuidFrom(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join(":")).digest("hex");
  const variant = (8 | (Number.parseInt(hex.charAt(16), 16) & 3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface ShowPlan {
  terms: MeterTerms;
  meterControl: MeterControl;
  settleThreshold: bigint;
  hold: bigint;
}

/** The terms a show starting now gets (the room's, within the admin's bounds) and the hold it needs. */
async function planShow(db: Queryable, performerId: string, kind: ShowKind, stageName: string, price?: bigint): Promise<ShowPlan> {
  const room = await loadRoomTerms(db, performerId);
  const shows = await getSetting(db, "shows");
  const pricePerMinute = price ?? (kind === "PRIVATE" ? room.terms.privatePricePerMinute : room.terms.groupPricePerMinute);
  const problem = priceProblem(kind === "PRIVATE" ? "private show" : "group show", pricePerMinute, shows);
  if (problem && price !== undefined) throw new DomainError("BAD_REQUEST", problem);
  if (problem) throw new DomainError("PRECONDITION_FAILED", `${stageName}'s price is outside the site's limits. ${problem}`);
  await resolveRate(db, kind === "PRIVATE" ? "PRIVATE_SHOW" : "GROUP_SHOW", performerId);
  const terms: MeterTerms = {
    pricePerMinute,
    freeSeconds: room.terms.freeSeconds,
    minimumMinutes: room.terms.minimumMinutes,
    incrementSeconds: room.terms.incrementSeconds,
  };
  return { terms, meterControl: room.meterControl, settleThreshold: shows.settleThreshold, hold: startHold(terms) };
}

async function assertCanCoverHold(db: Queryable, memberId: string, hold: bigint, what: string): Promise<void> {
  const wallet = await walletBalances(db, memberId);
  if (wallet.restricted) throw new DomainError("ACCOUNT_RESTRICTED", "Spending is paused until the negative balance of your wallet is settled.");
  if (wallet.available < hold) {
    throw new DomainError(
      "INSUFFICIENT_FUNDS",
      `${what} needs ${formatCredits(hold)} credits for the minimum charge; you have ${formatCredits(wallet.available)}.`,
    );
  }
}

/** Moves the first charge due from the member's available to held credits, once per meter. */
async function postHold(db: Queryable, participantId: string, showId: string, memberId: string, amount: bigint, stageName: string): Promise<void> {
  if (amount === 0n) return;
  await post(db, {
    kind: "SHOW_HOLD",
    idempotencyKey: `show-hold:${participantId}`,
    request: { participantId, amount: amount.toString() },
    actorId: memberId,
    description: `Held for a show with ${stageName}`,
    metadata: { showId, participantId, stageName, amount: amount.toString() },
    legs: [
      { account: userAccount(memberId, "available"), amount: -amount },
      { account: userAccount(memberId, "held"), amount },
    ],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Use cases

export const requestPrivateSchema = z.object({ performerId: z.uuid(), idempotencyKey: z.uuid() });

/** A member asks for a private show. Nothing is held yet: the hold is taken when the performer accepts. */
export async function requestPrivateShow(actor: ShowActor, input: z.input<typeof requestPrivateSchema>, options: ShowOptions = {}): Promise<MeterView> {
  const { performerId, idempotencyKey } = requestPrivateSchema.parse(input);
  assertRole(actor, "MEMBER", "Only members can ask for a private show.");
  const performer = await findSellingPerformer(pool, { performerId });
  const showId = uuidFrom("private-request", actor.id, idempotencyKey);
  await changeShows(options, async (db) => {
    const { rows: existing } = await db.query<{ requested_by_id: string | null }>("SELECT requested_by_id FROM shows WHERE id = $1", [showId]);
    if (existing[0]) {
      if (existing[0].requested_by_id !== actor.id) throw new DomainError("CONFLICT", "This request key was already used.");
      return false;
    }
    await assertMayEnter(db, performer.id, actor.id);
    await assertRoomOnline(db, performer.id, performer.stageName);
    await lockShowsOf(db, "performer", performer.id);
    await lockShowsOf(db, "member", actor.id);
    await assertMemberFree(db, actor.id);
    const { rows: busy } = await db.query("SELECT 1 FROM shows WHERE performer_id = $1 AND status = 'LIVE'", [performer.id]);
    if (busy.length > 0) throw new DomainError("PRECONDITION_FAILED", `${performer.stageName} is in a show right now. Try again when it ends.`);
    const plan = await planShow(db, performer.id, "PRIVATE", performer.stageName);
    await assertCanCoverHold(db, actor.id, plan.hold, `A private show with ${performer.stageName}`);
    await db.query(
      `INSERT INTO shows (id, performer_id, kind, status, requested_by_id, price_per_minute, free_seconds, minimum_minutes,
                          increment_seconds, meter_control, settle_threshold, created_at)
       VALUES ($1, $2, 'PRIVATE', 'REQUESTED', $3, $4, $5, $6, $7, $8::"MeterControl", $9, coalesce($10::timestamptz, now()))`,
      [
        showId,
        performer.id,
        actor.id,
        plan.terms.pricePerMinute.toString(),
        plan.terms.freeSeconds,
        plan.terms.minimumMinutes,
        plan.terms.incrementSeconds,
        plan.meterControl,
        plan.settleThreshold.toString(),
        options.at ?? null,
      ],
    );
    await db.query(
      `INSERT INTO show_participants (id, show_id, member_id, status, member_seen_at, joined_at)
       VALUES ($1, $2, $3, 'ACTIVE', coalesce($4::timestamptz, now()), coalesce($4::timestamptz, now()))`,
      [randomUUID(), showId, actor.id, options.at ?? null],
    );
    return true;
  }, async (db, created, tag) => (created ? viewMessages(db, showId, { performer: true, members: [], requested: true }, tag, options) : []));
  return loadMeterView(pool, actor, showId, options);
}

export const respondSchema = z.object({ showId: z.uuid(), accept: z.boolean() });

/**
 * The performer accepts or declines a private request. Accepting takes the member's hold and starts the meter
 * (or waits for the performer to start it, per the room's meter control). A member who can no longer pay or
 * enter the room has their request declined, and the performer is told why.
 */
export async function respondToRequest(actor: ShowActor, input: z.input<typeof respondSchema>, options: ShowOptions = {}): Promise<MeterView> {
  const { showId, accept } = respondSchema.parse(input);
  assertRole(actor, "PERFORMER", "Only performers answer show requests.");
  const outcome = await changeShows(options, async (db) => {
    const show = await lockShow(db, showId);
    if (show.performer_id !== actor.id) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
    if (show.status !== "REQUESTED") {
      if (show.status === "LIVE" && accept) return { changes: [] as MeterChange[], refusal: null, heldFrom: null };
      throw new DomainError("CONFLICT", "This request is no longer open.");
    }
    const { rows: members } = await db.query<{ id: string; member_id: string }>(
      "SELECT id, member_id FROM show_participants WHERE show_id = $1 AND status = 'ACTIVE'",
      [showId],
    );
    const participant = members[0];
    if (!participant) throw new Error(`request ${showId} has no member`);
    if (!accept) return { changes: await closeRequest(db, showId, "declined", options), refusal: null, heldFrom: null };

    await lockShowsOf(db, "performer", actor.id);
    await assertPerformerFree(db, actor.id, showId);
    const entry = await canEnterRoom(db, actor.id, participant.member_id);
    if (!entry.ok) {
      return {
        changes: await closeRequest(db, showId, "declined", options),
        refusal: `The member can't be in your room anymore: ${entry.reason}`,
        heldFrom: null,
      };
    }
    const terms = termsOf(show);
    const hold = startHold(terms);
    const { rows: stage } = await db.query<{ stage_name: string }>("SELECT stage_name FROM performer_profiles WHERE user_id = $1", [actor.id]);
    await db.query("SAVEPOINT hold");
    try {
      await postHold(db, participant.id, showId, participant.member_id, hold, stage[0]?.stage_name ?? "a performer");
    } catch (error) {
      if (!isDomainError(error) || !["INSUFFICIENT_FUNDS", "ACCOUNT_RESTRICTED"].includes(error.code)) throw error;
      await db.query("ROLLBACK TO SAVEPOINT hold");
      return {
        changes: await closeRequest(db, showId, "member_funds", options),
        refusal: "The member no longer has the credits for the minimum charge, so the request was declined.",
        heldFrom: null,
      };
    }
    await db.query("UPDATE show_participants SET held = $2 WHERE id = $1", [participant.id, hold.toString()]);
    await db.query(
      `UPDATE shows SET status = 'LIVE', performer_seen_at = coalesce($2::timestamptz, now()),
              started_at = CASE WHEN meter_control = 'AUTOMATIC' THEN coalesce($2::timestamptz, now()) END
        WHERE id = $1`,
      [showId, options.at ?? null],
    );
    return { changes: await settleShows(db, [showId], await meterParams(db), { at: options.at }), refusal: null, heldFrom: participant.member_id };
  }, async (db, result, tag) => [
    ...(result.heldFrom ? [walletMessage(result.heldFrom, `show:${showId}:accepted:wallet`)] : []),
    ...(await announce(db, result.changes, tag, options)),
    ...(await viewMessages(db, showId, { performer: true, members: "all" }, tag, options)),
  ]);
  if (outcome.refusal) throw new DomainError("PRECONDITION_FAILED", outcome.refusal);
  return loadMeterView(pool, actor, showId, options);
}

/** Declines or cancels a request nobody is metered for yet: no money has moved. */
async function closeRequest(db: Queryable, showId: string, reason: ShowEndReason, options: ShowOptions): Promise<MeterChange[]> {
  const { rows } = await db.query<{ performer_id: string; member_id: string; participant_id: string }>(
    `WITH closed AS (
       UPDATE shows SET status = 'DECLINED', ended_at = coalesce($3::timestamptz, now()), end_reason = $2
        WHERE id = $1 AND status = 'REQUESTED' RETURNING id, performer_id)
     UPDATE show_participants p SET status = 'ENDED', ended_at = coalesce($3::timestamptz, now()), end_reason = $2
       FROM closed WHERE p.show_id = closed.id
     RETURNING closed.performer_id, p.member_id, p.id AS participant_id`,
    [showId, reason, options.at ?? null],
  );
  return rows.flatMap((row) => [
    requestClosed(showId, row.performer_id, reason, { participantId: row.participant_id, memberId: row.member_id }),
    requestClosed(showId, row.performer_id, reason, { participantId: null, memberId: null }),
  ]);
}

function requestClosed(showId: string, performerId: string, reason: ShowEndReason, who: { participantId: string | null; memberId: string | null }): MeterChange {
  return {
    showId,
    performerId,
    ...who,
    charged: 0n,
    released: 0n,
    toppedUp: 0n,
    meteredSeconds: 0,
    secondsLeft: null,
    endReason: reason,
    paused: false,
    resumed: false,
    lowBalance: false,
  };
}

export const startGroupSchema = z.object({
  pricePerMinute: storableBigint(z.bigint().min(1n, "A price is at least 1 credit a minute.")).optional(),
  minMembers: z.number().int().min(2, "A minimum is at least 2 members.").max(1_000).optional(),
});

/** The performer opens a group show; members join and are metered separately. */
export async function startGroupShow(actor: ShowActor, input: z.input<typeof startGroupSchema>, options: ShowOptions = {}): Promise<MeterView> {
  const { pricePerMinute, minMembers } = startGroupSchema.parse(input);
  assertRole(actor, "PERFORMER", "Only performers start group shows.");
  const performer = await findSellingPerformer(pool, { performerId: actor.id });
  const showId = randomUUID();
  await withTransaction(pool, async (db) => {
    await assertRoomOnline(db, performer.id, "Your room");
    await lockShowsOf(db, "performer", performer.id);
    await assertPerformerFree(db, performer.id, null);
    const plan = await planShow(db, performer.id, "GROUP", performer.stageName, pricePerMinute);
    await db.query(
      `INSERT INTO shows (id, performer_id, kind, status, price_per_minute, free_seconds, minimum_minutes, increment_seconds,
                          min_members, meter_control, settle_threshold, performer_seen_at, started_at, created_at)
       VALUES ($1, $2, 'GROUP', 'LIVE', $3, $4, $5, $6, $7, $8::"MeterControl", $9, coalesce($10::timestamptz, now()),
               CASE WHEN $8 = 'AUTOMATIC' AND $7::int IS NULL THEN coalesce($10::timestamptz, now()) END, coalesce($10::timestamptz, now()))`,
      [
        showId,
        performer.id,
        plan.terms.pricePerMinute.toString(),
        plan.terms.freeSeconds,
        plan.terms.minimumMinutes,
        plan.terms.incrementSeconds,
        minMembers ?? null,
        plan.meterControl,
        plan.settleThreshold.toString(),
        options.at ?? null,
      ],
    );
  });
  return loadMeterView(pool, actor, showId, options);
}

export const joinSchema = z.object({ showId: z.uuid(), idempotencyKey: z.uuid() });

/** A member joins a live group show: the hold is taken and their own meter starts (once the show's meter has). */
export async function joinGroupShow(actor: ShowActor, input: z.input<typeof joinSchema>, options: ShowOptions = {}): Promise<MeterView> {
  const { showId, idempotencyKey } = joinSchema.parse(input);
  assertRole(actor, "MEMBER", "Only members can join a group show.");
  const participantId = uuidFrom("group-join", actor.id, idempotencyKey);
  await changeShows(options, async (db) => {
    const show = await lockShow(db, showId);
    const { rows: existing } = await db.query<{ id: string; status: ParticipantStatus }>(
      "SELECT id, status FROM show_participants WHERE show_id = $1 AND member_id = $2",
      [showId, actor.id],
    );
    const mine = existing[0];
    if (show.kind !== "GROUP") {
      if (!mine) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
      throw new DomainError("BAD_REQUEST", "Private shows are requested, not joined.");
    }
    if (mine?.status === "ACTIVE" && show.status === "LIVE") return [];
    if (show.status !== "LIVE") throw new DomainError("PRECONDITION_FAILED", "This group show has ended.");
    if (mine) throw new DomainError("CONFLICT", "You left this show, so it can't be joined again.");
    await assertMayEnter(db, show.performer_id, actor.id);
    await lockShowsOf(db, "member", actor.id);
    await assertMemberFree(db, actor.id);
    const { rows: stage } = await db.query<{ stage_name: string }>("SELECT stage_name FROM performer_profiles WHERE user_id = $1", [show.performer_id]);
    const stageName = stage[0]?.stage_name ?? "the performer";
    const hold = startHold(termsOf(show));
    await assertCanCoverHold(db, actor.id, hold, `Joining ${stageName}'s group show`);
    await db.query(
      `INSERT INTO show_participants (id, show_id, member_id, status, member_seen_at, joined_at, held)
       VALUES ($1, $2, $3, 'ACTIVE', coalesce($4::timestamptz, now()), coalesce($4::timestamptz, now()), $5)`,
      [participantId, showId, actor.id, options.at ?? null, hold.toString()],
    );
    await postHold(db, participantId, showId, actor.id, hold, stageName);
    await db.query(
      `UPDATE shows s SET started_at = coalesce($2::timestamptz, now())
        WHERE s.id = $1 AND s.started_at IS NULL AND s.meter_control = 'AUTOMATIC'
          AND (SELECT count(*) FROM show_participants p WHERE p.show_id = s.id AND p.status = 'ACTIVE') >= coalesce(s.min_members, 1)`,
      [showId, options.at ?? null],
    );
    return settleShows(db, [showId], await meterParams(db), { at: options.at });
  }, async (db, changes, tag) => [
    ...(await announce(db, changes, tag, options)),
    ...(await viewMessages(db, showId, { performer: true, members: [actor.id] }, tag, options)),
    walletMessage(actor.id, `show:${showId}:${tag}:wallet:${actor.id}`),
  ]);
  return loadMeterView(pool, actor, showId, options);
}

export const showSchema = z.object({ showId: z.uuid() });

/**
 * Either side ends the show: the performer ends it for everyone; a member ends a private show, leaves a group
 * show, or cancels a request. The show row is locked first, so when both sides end at the same moment the second
 * finds it ended and nothing is settled twice.
 */
export async function endShow(actor: ShowActor, input: z.input<typeof showSchema>, options: ShowOptions = {}): Promise<MeterView> {
  const { showId } = showSchema.parse(input);
  await changeShows(options, async (db) => {
    const show = await lockShow(db, showId);
    const isPerformer = show.performer_id === actor.id;
    const { rows: mine } = await db.query<{ status: ParticipantStatus }>(
      "SELECT status FROM show_participants WHERE show_id = $1 AND member_id = $2",
      [showId, actor.id],
    );
    if (!isPerformer && !mine[0]) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
    if (show.status === "ENDED" || show.status === "DECLINED" || (!isPerformer && mine[0]?.status === "ENDED")) return [];
    if (show.status === "REQUESTED") return closeRequest(db, showId, isPerformer ? "declined" : "member_cancelled", options);
    const params = await meterParams(db);
    if (isPerformer) return settleShows(db, [showId], params, { at: options.at, endReason: "performer_ended", actorId: actor.id });
    if (show.kind === "PRIVATE") return settleShows(db, [showId], params, { at: options.at, endReason: "member_ended", actorId: actor.id });
    return settleShows(db, [showId], params, { at: options.at, endReason: "member_left", onlyMemberId: actor.id, actorId: actor.id });
  }, (db, changes, tag) => announce(db, changes, tag, options));
  return loadMeterView(pool, actor, showId, options);
}

/** A member leaves a group show (or ends their private show): the same as ending it from their side. */
export async function leaveShow(actor: ShowActor, input: z.input<typeof showSchema>, options: ShowOptions = {}): Promise<MeterView> {
  assertRole(actor, "MEMBER", "Only members leave shows; performers end them.");
  return endShow(actor, input, options);
}

type MeterAction = "start" | "pause" | "resume";

/** The performer starts, pauses or resumes the meter, as the room's meter control allows. */
async function controlMeter(actor: ShowActor, input: z.input<typeof showSchema>, action: MeterAction, options: ShowOptions): Promise<MeterView> {
  const { showId } = showSchema.parse(input);
  assertRole(actor, "PERFORMER", "Only the performer controls the meter.");
  await changeShows(options, async (db) => {
    const show = await lockShow(db, showId);
    if (show.performer_id !== actor.id) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
    if (show.status !== "LIVE") throw new DomainError("PRECONDITION_FAILED", "This show isn't live.");
    if (action === "start") {
      if (show.meter_control === "AUTOMATIC") throw new DomainError("PRECONDITION_FAILED", "In this room the meter starts by itself.");
      if (show.started_at) return [];
      await db.query("UPDATE shows SET started_at = coalesce($2::timestamptz, now()) WHERE id = $1", [showId, options.at ?? null]);
    } else {
      if (show.meter_control !== "PERFORMER_CONTROLS") throw new DomainError("FORBIDDEN", "In this room the performer can't pause the meter.");
      if (!show.started_at) throw new DomainError("PRECONDITION_FAILED", "Start the meter first.");
      await db.query("UPDATE shows SET performer_paused = $2 WHERE id = $1", [showId, action === "pause"]);
    }
    return settleShows(db, [showId], await meterParams(db), { at: options.at });
  }, async (db, changes, tag) => [
    ...(await announce(db, changes, tag, options)),
    ...(await viewMessages(db, showId, { performer: false, members: "all" }, tag, options)),
  ]);
  return loadMeterView(pool, actor, showId, options);
}

export const startMeter = (actor: ShowActor, input: z.input<typeof showSchema>, options: ShowOptions = {}) => controlMeter(actor, input, "start", options);
export const pauseMeter = (actor: ShowActor, input: z.input<typeof showSchema>, options: ShowOptions = {}) => controlMeter(actor, input, "pause", options);
export const resumeMeter = (actor: ShowActor, input: z.input<typeof showSchema>, options: ShowOptions = {}) => controlMeter(actor, input, "resume", options);

/**
 * Each open page says "still here" every HEARTBEAT_SECONDS: one UPDATE stamping the database time. The sweep
 * pauses a meter whose other side went quiet and resumes it when both are back. `live` false tells the page the
 * show is over.
 */
export async function heartbeat(actor: ShowActor, input: z.input<typeof showSchema>, options: ShowOptions = {}): Promise<{ live: boolean }> {
  const { showId } = showSchema.parse(input);
  const { rows } = await pool.query<{ live: boolean }>(
    `WITH performer AS (
       UPDATE shows SET performer_seen_at = coalesce($3::timestamptz, now())
        WHERE id = $1 AND performer_id = $2 AND status IN ('REQUESTED', 'LIVE') RETURNING 1),
     member AS (
       UPDATE show_participants p SET member_seen_at = coalesce($3::timestamptz, now())
         FROM shows s
        WHERE p.show_id = $1 AND p.member_id = $2 AND p.status = 'ACTIVE' AND s.id = p.show_id AND s.status IN ('REQUESTED', 'LIVE')
       RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM performer) OR EXISTS (SELECT 1 FROM member) AS live`,
    [showId, actor.id, options.at ?? null],
  );
  return { live: rows[0]?.live ?? false };
}

export const currentSchema = z.object({ performerId: z.uuid() });

/**
 * The caller's show in the performer's room, for a page (re)opening it: the performer's live show or else the
 * oldest open request; a member's own requested or live show there, or else the room's live group show to join.
 */
export async function currentShow(actor: ShowActor, input: z.input<typeof currentSchema>, options: ShowOptions = {}): Promise<MeterView | null> {
  const { performerId } = currentSchema.parse(input);
  // `own`: the caller is in the show (or is its performer); otherwise it is a live group show open to look at.
  const { rows } = await pool.query<{ id: string; own: boolean }>(
    actor.id === performerId
      ? `SELECT id, true AS own FROM shows WHERE performer_id = $1 AND status IN ('LIVE', 'REQUESTED')
          ORDER BY status = 'LIVE' DESC, created_at LIMIT 1`
      : `SELECT id, rank = 0 AS own FROM (
           SELECT s.id, 0 AS rank, s.created_at FROM show_participants p JOIN shows s ON s.id = p.show_id
            WHERE p.member_id = $2 AND s.performer_id = $1 AND p.status = 'ACTIVE' AND s.status IN ('REQUESTED', 'LIVE')
           UNION ALL
           SELECT s.id, 1, s.created_at FROM shows s WHERE s.performer_id = $1 AND s.kind = 'GROUP' AND s.status = 'LIVE'
         ) x ORDER BY rank, created_at DESC LIMIT 1`,
    actor.id === performerId ? [performerId] : [performerId, actor.id],
  );
  const found = rows[0];
  if (!found) return null;
  // Someone the room refuses sees no open group show in it (loadMeterView would refuse it); their own shows, yes.
  if (!found.own && !(await canEnterRoom(pool, performerId, actor.id)).ok) return null;
  return loadMeterView(pool, actor, found.id, options);
}

/** The meter as the caller sees it: only the show's performer and its members may look. */
export async function showMeter(actor: ShowActor, input: z.input<typeof showSchema>, options: ShowOptions = {}): Promise<MeterView> {
  const { showId } = showSchema.parse(input);
  return loadMeterView(pool, actor, showId, options);
}

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
  if (actor.role === "PERFORMER") {
    const { rows } = await pool.query<{
      id: string;
      kind: ShowKind;
      status: ShowStatus;
      username: string;
      price_per_minute: string;
      created_at: Date;
      ended_at: Date | null;
      end_reason: string | null;
      member_names: string | null;
      members: number;
      charged: string;
      metered_seconds: string;
      performer_share: string;
    }>(
      `SELECT s.id, s.kind, s.status, u.username, s.price_per_minute, s.created_at, s.ended_at, s.end_reason,
              (SELECT string_agg(mu.display_name, ', ' ORDER BY p.joined_at) FROM show_participants p JOIN users mu ON mu.id = p.member_id
                WHERE p.show_id = s.id) AS member_names,
              (SELECT count(*)::int FROM show_participants p WHERE p.show_id = s.id) AS members,
              s.charged, s.metered_seconds, s.performer_share
         FROM shows s JOIN users u ON u.id = s.performer_id
        WHERE s.performer_id = $1 AND s.status IN ('ENDED', 'DECLINED')
        ORDER BY s.created_at DESC LIMIT $2`,
      [actor.id, HISTORY_LIMIT],
    );
    return rows.map((row) => ({
      showId: row.id,
      kind: row.kind,
      status: row.status,
      side: "performer",
      with: row.member_names ?? "",
      performerUsername: row.username,
      pricePerMinute: BigInt(row.price_per_minute),
      members: row.members,
      meteredSeconds: Number(row.metered_seconds),
      charged: BigInt(row.charged),
      earned: BigInt(row.performer_share),
      endReason: endReasonOf(row.end_reason),
      startedAt: row.created_at,
      endedAt: row.ended_at,
    }));
  }
  const { rows } = await pool.query<{
    id: string;
    kind: ShowKind;
    status: ShowStatus;
    stage_name: string;
    username: string;
    price_per_minute: string;
    joined_at: Date;
    ended_at: Date | null;
    metered_seconds: number;
    settled: string;
    end_reason: string | null;
  }>(
    `SELECT s.id, s.kind, s.status, pp.stage_name, u.username, s.price_per_minute, p.joined_at, p.ended_at, p.metered_seconds,
            p.settled, p.end_reason
       FROM show_participants p JOIN shows s ON s.id = p.show_id
       JOIN performer_profiles pp ON pp.user_id = s.performer_id JOIN users u ON u.id = s.performer_id
      WHERE p.member_id = $1 AND p.status = 'ENDED'
      ORDER BY p.joined_at DESC LIMIT $2`,
    [actor.id, HISTORY_LIMIT],
  );
  return rows.map((row) => ({
    showId: row.id,
    kind: row.kind,
    status: row.status,
    side: "member",
    with: row.stage_name,
    performerUsername: row.username,
    pricePerMinute: BigInt(row.price_per_minute),
    members: 1,
    meteredSeconds: row.metered_seconds,
    charged: BigInt(row.settled),
    earned: null,
    endReason: endReasonOf(row.end_reason),
    startedAt: row.joined_at,
    endedAt: row.ended_at,
  }));
}

/**
 * Ends every live show of the performer and declines their open requests, settling each (the room went
 * offline, say). Each show is its own transaction, so one refusal cannot hold up the others.
 */
export async function endShowsForPerformer(performerId: string, reason: ShowEndReason, options: ShowOptions = {}): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    "SELECT id FROM shows WHERE performer_id = $1 AND status IN ('REQUESTED', 'LIVE') ORDER BY created_at",
    [performerId],
  );
  return endEach(rows, performerId, reason, null, options);
}

/**
 * Ends the member's part in the performer's shows (removed from the room): their open request is closed, a private
 * show ends, and in a group show only their meter stops.
 */
export async function endShowsForMember(performerId: string, memberId: string, reason: ShowEndReason, options: ShowOptions = {}): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT s.id FROM shows s JOIN show_participants p ON p.show_id = s.id
      WHERE s.performer_id = $1 AND p.member_id = $2 AND s.status IN ('REQUESTED', 'LIVE') AND p.status = 'ACTIVE'
      ORDER BY s.created_at`,
    [performerId, memberId],
  );
  return endEach(rows, performerId, reason, memberId, options);
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
 * sweepMeters), each batch writing what it announces in its own transaction.
 */
export async function runShowSweep(options: ShowOptions = {}): Promise<SweepResult> {
  const params = await meterParams(pool);
  await expireRequests(params, options);
  return sweepMeters(pool, params, {
    at: options.at,
    onBatch: async (changes, db) => {
      if (!options.quiet) await enqueue(db, await announce(db, changes, await transactionTag(db), options));
    },
  });
}

async function expireRequests(params: MeterParams, options: ShowOptions): Promise<void> {
  await changeShows(options, async (db) => {
    const { rows } = await db.query<{ id: string }>(
      `SELECT s.id FROM shows s JOIN show_participants p ON p.show_id = s.id
        WHERE s.status = 'REQUESTED'
          AND (s.created_at < coalesce($1::timestamptz, now()) - make_interval(secs => $2)
               OR coalesce(p.member_seen_at < coalesce($1::timestamptz, now()) - make_interval(secs => $3), true))
        ORDER BY s.id FOR UPDATE OF s SKIP LOCKED`,
      [options.at ?? null, REQUEST_TTL_SECONDS, params.offlineTimeoutSeconds],
    );
    const closed: MeterChange[] = [];
    for (const row of rows) closed.push(...(await closeRequest(db, row.id, "request_expired", options)));
    return closed;
  }, (db, changes, tag) => announce(db, changes, tag, options));
}

// ---------------------------------------------------------------------------------------------------------------
// Announcements: events and emails, written to the outbox in the change's own transaction

/** Event payloads travel as JSON: amounts as decimal strings, times as ISO strings. */
function onTheWire(payload: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(payload, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))) as Record<string, unknown>;
}

/**
 * Runs one change to shows in a transaction and writes what it announces in the same one (server/outbox): the
 * announcements exist exactly when the change does, and the worker's relay, woken by the commit, delivers them.
 * `quiet` (demo data) announces nothing.
 */
async function changeShows<T>(
  options: ShowOptions,
  change: (db: Queryable) => Promise<T>,
  announcements: (db: Queryable, result: T, tag: string) => Promise<OutboxMessage[]>,
): Promise<T> {
  return withTransaction(pool, async (db) => {
    const result = await change(db);
    if (!options.quiet) await enqueue(db, await announcements(db, result, await transactionTag(db)));
    return result;
  });
}

/**
 * The show as a user sees it, for the relay to send on their private channel: rendered at delivery, so a page
 * gets the meter as it is then (`at` stands in for the clock in tests, as everywhere here).
 */
export async function showViewForDelivery(showId: string, viewer: ShowActor, at: string | null): Promise<Record<string, unknown>> {
  return onTheWire(await loadMeterView(pool, viewer, showId, at ? { at: new Date(at) } : {}));
}

/** Each side's view of the show, refreshed on their pages. */
async function viewMessages(
  db: Queryable,
  showId: string,
  to: { performer: boolean; members: readonly string[] | "all"; requested?: boolean },
  tag: string,
  options: ShowOptions,
): Promise<OutboxMessage[]> {
  const { rows } = await db.query<{ performer_id: string; member_ids: string[] }>(
    `SELECT s.performer_id, coalesce(array_agg(p.member_id) FILTER (WHERE p.member_id IS NOT NULL), '{}') AS member_ids
       FROM shows s LEFT JOIN show_participants p ON p.show_id = s.id WHERE s.id = $1 GROUP BY s.performer_id`,
    [showId],
  );
  const show = rows[0];
  if (!show) return [];
  const at = options.at?.toISOString() ?? null;
  const view = (userId: string, role: "PERFORMER" | "MEMBER", event: string): OutboxMessage => ({
    key: `show:${showId}:${tag}:${event}:${userId}`,
    kind: "show-view",
    showId,
    userId,
    role,
    event,
    at,
  });
  const messages: OutboxMessage[] = [];
  if (to.performer) messages.push(view(show.performer_id, "PERFORMER", to.requested ? SHOW_REQUESTED : SHOW_UPDATED));
  const members = to.members === "all" ? show.member_ids : to.members.filter((id) => show.member_ids.includes(id));
  for (const memberId of members) messages.push(view(memberId, "MEMBER", SHOW_UPDATED));
  return messages;
}

function walletMessage(userId: string, key: string): OutboxMessage {
  return { key, kind: "wallet-update", userId };
}

/**
 * What a settlement announces to both sides: ended meters and shows (event, wallet, receipt or revenue note);
 * meters that paused, resumed or ran low; and every charge posted, so that the member's wallet, the performer's
 * earnings and both show panels move on the same tick with the same numbers.
 */
async function announce(db: Queryable, changes: readonly MeterChange[], tag: string, options: ShowOptions): Promise<OutboxMessage[]> {
  const messages: OutboxMessage[] = [];
  const refresh = new Map<string, Set<string>>();
  const walletsMoved = new Set<string>();
  for (const change of changes) {
    if (change.participantId && change.memberId) {
      if (change.endReason) {
        messages.push(...(await memberEndedMessages(db, change)));
      } else if (change.paused || change.resumed || change.lowBalance || change.charged > 0n || change.released > 0n || change.toppedUp > 0n) {
        const members = refresh.get(change.showId) ?? new Set<string>();
        members.add(change.memberId);
        refresh.set(change.showId, members);
        if (change.charged > 0n || change.released > 0n || change.toppedUp > 0n) walletsMoved.add(change.memberId);
        if (change.charged > 0n) walletsMoved.add(change.performerId);
      }
    } else if (change.endReason) {
      messages.push(...(await showEndedMessages(db, change)));
    }
  }
  for (const userId of walletsMoved) messages.push(walletMessage(userId, `shows:${tag}:wallet:${userId}`));
  for (const [showId, members] of refresh) messages.push(...(await viewMessages(db, showId, { performer: true, members: [...members] }, tag, options)));
  return messages;
}

/** A meter ended: the member's page hears it, their wallet refreshes, and (unless the request was only declined) a receipt. */
async function memberEndedMessages(db: Queryable, change: MeterChange): Promise<OutboxMessage[]> {
  if (!change.memberId || !change.participantId) return [];
  const { rows } = await db.query<{
    email: string;
    display_name: string;
    stage_name: string;
    kind: ShowKind;
    price_per_minute: string;
    metered_seconds: number;
    settled: string;
    ended_at: Date | null;
    show_status: ShowStatus;
  }>(
    `SELECT u.email, u.display_name, pp.stage_name, s.kind, s.price_per_minute, p.metered_seconds, p.settled, p.ended_at,
            s.status AS show_status
       FROM show_participants p JOIN users u ON u.id = p.member_id JOIN shows s ON s.id = p.show_id
       JOIN performer_profiles pp ON pp.user_id = s.performer_id
      WHERE p.id = $1`,
    [change.participantId],
  );
  const meter = rows[0];
  if (!meter) return [];
  const about = `show:${change.showId}:member-ended:${change.participantId}`;
  const payload: ShowEndedPayload = { showId: change.showId, reason: change.endReason, charged: meter.settled };
  const messages: OutboxMessage[] = [
    { key: `${about}:event`, kind: "realtime", channels: [userChannel(change.memberId)], event: SHOW_ENDED, data: { ...payload } },
    walletMessage(change.memberId, `${about}:wallet`),
  ];
  if (meter.show_status === "DECLINED") return messages;
  const email = showReceiptEmail({
    to: meter.email,
    memberName: meter.display_name,
    stageName: meter.stage_name,
    kind: meter.kind,
    pricePerMinute: BigInt(meter.price_per_minute),
    meteredSeconds: meter.metered_seconds,
    charged: BigInt(meter.settled),
    endReason: change.endReason,
    endedAt: meter.ended_at ?? new Date(),
    appUrl: env.APP_URL,
  });
  return [...messages, { key: `${about}:receipt`, kind: "email", email }];
}

/** A show ended: the performer's page hears it and, for a show that ran, their wallet refreshes and a revenue note goes out. */
async function showEndedMessages(db: Queryable, change: MeterChange): Promise<OutboxMessage[]> {
  const { rows } = await db.query<{
    email: string;
    stage_name: string;
    kind: ShowKind;
    status: ShowStatus;
    ended_at: Date | null;
    member_count: number;
    charged: string;
    metered_seconds: string;
    performer_share: string;
  }>(
    `SELECT u.email, pp.stage_name, s.kind, s.status, s.ended_at, s.member_count, s.charged, s.metered_seconds, s.performer_share
       FROM shows s JOIN users u ON u.id = s.performer_id JOIN performer_profiles pp ON pp.user_id = s.performer_id
      WHERE s.id = $1`,
    [change.showId],
  );
  const show = rows[0];
  if (!show) return [];
  const about = `show:${change.showId}:ended`;
  const charged = BigInt(show.charged);
  const payload: ShowEndedPayload = { showId: change.showId, reason: change.endReason, charged: charged.toString() };
  const event: OutboxMessage = { key: `${about}:event`, kind: "realtime", channels: [userChannel(change.performerId)], event: SHOW_ENDED, data: { ...payload } };
  if (show.status === "DECLINED") return [event];
  const email = showRevenueEmail({
    to: show.email,
    stageName: show.stage_name,
    kind: show.kind,
    members: show.member_count,
    meteredSeconds: Number(show.metered_seconds),
    charged,
    earned: BigInt(show.performer_share),
    endReason: change.endReason,
    endedAt: show.ended_at ?? new Date(),
    appUrl: env.APP_URL,
  });
  return [event, walletMessage(change.performerId, `${about}:wallet`), { key: `${about}:revenue`, kind: "email", email }];
}
