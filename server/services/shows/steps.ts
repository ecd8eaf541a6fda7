import "server-only";
import { createHash } from "node:crypto";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { CARD_TAB_WALLET } from "@/server/domain/wallets";
import { userAccount } from "@/server/domain/ledger";
import { type MeterTerms, startHold } from "@/server/domain/metering";
import { formatCredits } from "@/server/domain/money";
import { priceProblem } from "@/server/domain/rooms";
import type { ShowEndReason } from "@/server/domain/shows";
import type { Role, ShowKind } from "@/server/generated/prisma/enums";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { canEnterRoom, loadRoomTerms } from "../rooms/room-access";
import { resolveRate } from "../sales/commissions";
import { getSetting } from "../settings/settings";
import { payingWalletFor } from "../wallet/preferences";
import type { WalletType } from "../wallet/wallet-types";
import { NO_SUCH_SHOW, type ShowActor, type ShowOptions } from "./common";
import type { MeterChange } from "./metering";
import {
  type NewShowTerms,
  type ShowRecord,
  closeRequestRows,
  lockShowRow,
  lockShowsOfUser,
  selectMemberOpenShow,
  selectPerformerLiveShowKind,
  selectParticipantWalletAccount,
  selectRoomOnline,
} from "./queries";

/**
 * The steps the show use cases (planning.ts, live.ts, sweep.ts) run inside their transaction: the show's row lock,
 * the "one show at a time" locks and checks, the terms and hold of a meter that starts, and closing a request.
 */

export async function lockShow(db: Queryable, showId: string): Promise<ShowRecord> {
  const show = await lockShowRow(db, showId);
  if (!show) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
  return show;
}

/**
 * Serialises the "one show at a time" checks of one member or one performer across app servers. Taken performer
 * first, then member, in every path that takes both.
 */
export async function lockShowsOf(db: Queryable, kind: "performer" | "member", userId: string): Promise<void> {
  await lockShowsOfUser(db, kind, userId);
}

export async function assertMemberFree(db: Queryable, memberId: string): Promise<void> {
  const busy = await selectMemberOpenShow(db, memberId);
  if (!busy) return;
  throw new DomainError(
    "CONFLICT",
    busy.status === "REQUESTED"
      ? `You already asked ${busy.stage_name} for a private show. Cancel that request first.`
      : `You're already in a ${busy.kind === "PRIVATE" ? "private" : "group"} show with ${busy.stage_name}. End it first.`,
  );
}

export async function assertPerformerFree(db: Queryable, performerId: string, exceptShowId: string | null): Promise<void> {
  const busy = await selectPerformerLiveShowKind(db, performerId, exceptShowId);
  if (busy) throw new DomainError("CONFLICT", `You already have a live ${busy === "PRIVATE" ? "private" : "group"} show. End it first.`);
}

export async function assertRoomOnline(db: Queryable, performerId: string, stageName: string): Promise<void> {
  if (!(await selectRoomOnline(db, performerId))) throw new DomainError("PRECONDITION_FAILED", `${stageName} is offline right now.`);
}

export async function assertMayEnter(db: Queryable, performerId: string, memberId: string): Promise<void> {
  const entry = await canEnterRoom(db, performerId, memberId);
  if (!entry.ok) throw new DomainError("FORBIDDEN", entry.reason);
}

export function assertRole(actor: ShowActor, role: Role, message: string): void {
  if (actor.role !== role) throw new DomainError("FORBIDDEN", message);
}

/** A request key names the row it creates, so a retried request finds the first one. */
export function uuidFrom(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join(":")).digest("hex");
  const variant = (8 | (Number.parseInt(hex.charAt(16), 16) & 3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface ShowPlan {
  terms: MeterTerms;
  /** The columns a new show row is created with. */
  row: NewShowTerms;
  hold: bigint;
}

/** The terms a show starting now gets (the room's, within the admin's bounds) and the hold it needs. */
export async function planShow(db: Queryable, performerId: string, kind: ShowKind, stageName: string, price?: bigint): Promise<ShowPlan> {
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
  return {
    terms,
    row: { ...terms, meterControl: room.meterControl, settleThreshold: shows.settleThreshold },
    hold: startHold(terms),
  };
}

/**
 * The wallet that will pay a meter the member starts now: their active wallet, which must pay for shows, and hold
 * the minimum charge.
 */
export async function payingWalletForShow(db: Queryable, memberId: string, performerId: string, hold: bigint, what: string): Promise<WalletType> {
  const payer = await payingWalletFor(db, memberId, "SHOWS");
  await assertTabAllowsShow(db, memberId, performerId, payer.id === CARD_TAB_WALLET);
  const wallet = await walletBalances(db, memberId);
  if (wallet.restricted) throw new DomainError("ACCOUNT_RESTRICTED", "Spending is paused until the negative balance of your wallet is settled.");
  const balance = wallet.wallets[payer.id] ?? 0n;
  if (balance < hold) {
    throw new DomainError(
      "INSUFFICIENT_FUNDS",
      `${what} needs ${formatCredits(hold)} credits for the minimum charge; your ${payer.name} wallet has ${formatCredits(balance)}.`,
    );
  }
  return payer;
}

/**
 * A member who owes a card tab starts no show; one paying by card tab needs it open with this performer. The tab
 * row is share-locked, so a tab that is closing (which locks it for update) cannot gain a show at the same moment.
 */
async function assertTabAllowsShow(db: Queryable, memberId: string, performerId: string, paysByTab: boolean): Promise<void> {
  const { rows } = await db.query<{ status: string; performer_id: string }>(
    "SELECT status, performer_id FROM card_tabs WHERE live_member_id = $1 FOR SHARE",
    [memberId],
  );
  const tab = rows[0];
  if (tab && (tab.status === "PAYMENT_DUE" || tab.status === "WRITTEN_OFF")) {
    throw new DomainError("ACCOUNT_RESTRICTED", "Spending is paused until you pay what your card tab owes.");
  }
  if (paysByTab && (tab?.status !== "OPEN" || tab.performer_id !== performerId)) {
    throw new DomainError("PRECONDITION_FAILED", "Your card tab pays only in the room of the performer you opened it with, while it is open.");
  }
}

/** Moves the first charge due from the wallet that pays the meter to held credits, once per meter. */
export async function postHold(db: Queryable, participantId: string, showId: string, memberId: string, amount: bigint, stageName: string): Promise<void> {
  if (amount === 0n) return;
  await post(db, {
    kind: "SHOW_HOLD",
    idempotencyKey: `show-hold:${participantId}`,
    request: { participantId, amount: amount.toString() },
    actorId: memberId,
    description: `Held for a show with ${stageName}`,
    metadata: { showId, participantId, stageName, amount: amount.toString() },
    legs: [
      { account: await selectParticipantWalletAccount(db, participantId), amount: -amount },
      { account: userAccount(memberId, "held"), amount },
    ],
  });
}

/** Declines or cancels a request nobody is metered for yet: no money has moved. */
export async function closeRequest(db: Queryable, showId: string, reason: ShowEndReason, options: ShowOptions): Promise<MeterChange[]> {
  const rows = await closeRequestRows(db, showId, reason, options.at ?? null);
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
