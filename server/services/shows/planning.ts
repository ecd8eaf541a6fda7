import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError, isDomainError } from "@/server/domain/errors";
import { startHold } from "@/server/domain/metering";
import { storableBigint } from "@/server/domain/storable";
import { canEnterRoom } from "../rooms/room-access";
import { findSellingPerformer } from "../sales/sales";
import { NO_SUCH_SHOW, type ShowActor, type ShowOptions, meterParams, termsOf } from "./common";
import { type MeterView, loadMeterView } from "./meter-view";
import { type MeterChange, settleShows } from "./metering";
import { announce, changeShows, viewMessages, walletMessage } from "./notices";
import {
  insertGroupShow,
  insertParticipant,
  insertPrivateRequest,
  markRequestLive,
  selectActiveParticipants,
  selectParticipantOf,
  selectPerformerLiveShowKind,
  selectShowRequester,
  selectStageName,
  setParticipantHeld,
  startGroupMeterIfReady,
} from "./queries";
import {
  assertMayEnter,
  assertMemberFree,
  assertPerformerFree,
  assertRole,
  assertRoomOnline,
  closeRequest,
  lockShow,
  lockShowsOf,
  planShow,
  payingWalletForShow,
  postHold,
  uuidFrom,
} from "./steps";

/**
 * How a show comes to be: a member asks for a private show and the performer accepts or declines it; a performer
 * opens a group show and members join it. Starting a meter takes the member's hold (SHOW_HOLD) in the same
 * transaction that settles it, or refuses with nothing posted (the meter itself is described in index.ts).
 */

export const requestPrivateSchema = z.object({ performerId: z.uuid(), idempotencyKey: z.uuid() });

/** A member asks for a private show. Nothing is held yet: the hold is taken when the performer accepts. */
export async function requestPrivateShow(actor: ShowActor, input: z.input<typeof requestPrivateSchema>, options: ShowOptions = {}): Promise<MeterView> {
  const { performerId, idempotencyKey } = requestPrivateSchema.parse(input);
  assertRole(actor, "MEMBER", "Only members can ask for a private show.");
  const performer = await findSellingPerformer(pool, { performerId });
  const showId = uuidFrom("private-request", actor.id, idempotencyKey);
  await changeShows(options, async (db) => {
    const existing = await selectShowRequester(db, showId);
    if (existing) {
      if (existing.requested_by_id !== actor.id) throw new DomainError("CONFLICT", "This request key was already used.");
      return false;
    }
    await assertMayEnter(db, performer.id, actor.id);
    await assertRoomOnline(db, performer.id, performer.stageName);
    await lockShowsOf(db, "performer", performer.id);
    await lockShowsOf(db, "member", actor.id);
    await assertMemberFree(db, actor.id);
    if (await selectPerformerLiveShowKind(db, performer.id, null)) {
      throw new DomainError("PRECONDITION_FAILED", `${performer.stageName} is in a show right now. Try again when it ends.`);
    }
    const plan = await planShow(db, performer.id, "PRIVATE", performer.stageName);
    const wallet = await payingWalletForShow(db, actor.id, performer.id, plan.hold, `A private show with ${performer.stageName}`);
    const at = options.at ?? null;
    await insertPrivateRequest(db, { id: showId, performerId: performer.id, memberId: actor.id, terms: plan.row, at });
    await insertParticipant(db, { id: randomUUID(), showId, memberId: actor.id, held: 0n, at, walletTypeId: wallet.id });
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
    const participant = (await selectActiveParticipants(db, showId))[0];
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
    const hold = startHold(termsOf(show));
    const stageName = await selectStageName(db, actor.id);
    await db.query("SAVEPOINT hold");
    try {
      await postHold(db, participant.id, showId, participant.member_id, hold, stageName ?? "a performer");
    } catch (error) {
      if (!isDomainError(error) || !["INSUFFICIENT_FUNDS", "ACCOUNT_RESTRICTED"].includes(error.code)) throw error;
      await db.query("ROLLBACK TO SAVEPOINT hold");
      return {
        changes: await closeRequest(db, showId, "member_funds", options),
        refusal: "The member no longer has the credits for the minimum charge, so the request was declined.",
        heldFrom: null,
      };
    }
    await setParticipantHeld(db, participant.id, hold);
    await markRequestLive(db, showId, options.at ?? null);
    return { changes: await settleShows(db, [showId], await meterParams(db), { at: options.at }), refusal: null, heldFrom: participant.member_id };
  }, async (db, result, tag) => [
    ...(result.heldFrom ? [walletMessage(result.heldFrom, `show:${showId}:accepted:wallet`)] : []),
    ...(await announce(db, result.changes, tag, options)),
    ...(await viewMessages(db, showId, { performer: true, members: "all" }, tag, options)),
  ]);
  if (outcome.refusal) throw new DomainError("PRECONDITION_FAILED", outcome.refusal);
  return loadMeterView(pool, actor, showId, options);
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
    await insertGroupShow(db, { id: showId, performerId: performer.id, minMembers: minMembers ?? null, terms: plan.row, at: options.at ?? null });
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
    const mine = await selectParticipantOf(db, showId, actor.id);
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
    const stageName = (await selectStageName(db, show.performer_id)) ?? "the performer";
    const hold = startHold(termsOf(show));
    const wallet = await payingWalletForShow(db, actor.id, show.performer_id, hold, `Joining ${stageName}'s group show`);
    await insertParticipant(db, { id: participantId, showId, memberId: actor.id, held: hold, at: options.at ?? null, walletTypeId: wallet.id });
    await postHold(db, participantId, showId, actor.id, hold, stageName);
    await startGroupMeterIfReady(db, showId, options.at ?? null);
    return settleShows(db, [showId], await meterParams(db), { at: options.at });
  }, async (db, changes, tag) => [
    ...(await announce(db, changes, tag, options)),
    ...(await viewMessages(db, showId, { performer: true, members: [actor.id] }, tag, options)),
    walletMessage(actor.id, `show:${showId}:${tag}:wallet:${actor.id}`),
  ]);
  return loadMeterView(pool, actor, showId, options);
}
