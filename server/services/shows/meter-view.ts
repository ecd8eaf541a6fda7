import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { chargeFor, isLowBalance, secondsLeft } from "@/server/domain/metering";
import { type PausedReason, type ShowEndReason, type ShowSide, pausedReasonFor } from "@/server/domain/shows";
import type { MeterControl, ParticipantStatus, ShowKind, ShowStatus } from "@/server/generated/prisma/enums";
import { walletBalances } from "@/server/ledger/balances";
import { canEnterRoom } from "../rooms/room-access";
import { NO_SUCH_SHOW, type ShowActor, type ShowOptions, endReasonOf, meterParams, termsOf } from "./common";
import { selectMeters, selectPerformerShare, selectShowForView } from "./queries";

/**
 * The meter view: a show as one side sees it, computed from the database clock (show_meter_plan), with the
 * member's credits left or the performer's share. Every show procedure returns it, and the outbox relay renders it
 * at delivery for the show events.
 */

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
  /** Member side: credits left for the show (held plus the paying wallet's, less what is owed and not posted yet). */
  balanceLeft: bigint | null;
  /** Member side: the wallet that pays their meter (their active wallet when they asked or joined). */
  payingWallet: { id: string; name: string; balance: bigint } | null;
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

export async function loadMeterView(db: Queryable, viewer: ShowActor, showId: string, options: ShowOptions = {}): Promise<MeterView> {
  const params = await meterParams(db);
  const at = options.at ?? null;
  const show = await selectShowForView(db, showId, at, params.staleSeconds);
  if (!show) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
  const participants = await selectMeters(db, showId, at, params);

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
    let payingWallet: MeterView["payingWallet"] = null;
    if (mine && mine.participant.status === "ACTIVE") {
      const wallet = await walletBalances(db, viewer.id);
      const paying = wallet.wallets[mine.participant.wallet_type_id] ?? 0n;
      payingWallet = { id: mine.participant.wallet_type_id, name: mine.participant.wallet_name, balance: paying };
      const spendable = wallet.restricted || paying < 0n ? 0n : paying;
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
      payingWallet,
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
  const earned = await selectPerformerShare(db, showId);
  return {
    ...base,
    joined: false,
    meteredSeconds: meters.reduce((longest, meter) => Math.max(longest, meter.meteredSeconds), 0),
    charged: meters.reduce((sum, meter) => sum + meter.charged, 0n),
    settled: meters.reduce((sum, meter) => sum + meter.settled, 0n),
    held: meters.reduce((sum, meter) => sum + meter.held, 0n),
    balanceLeft: null,
    payingWallet: null,
    secondsLeft: null,
    lowBalance: false,
    running,
    pausedReason: pausedReasonFor({
      ...facts,
      running,
      memberPresent: active.some((meter) => meter.participant.member_present),
    }),
    earned,
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
