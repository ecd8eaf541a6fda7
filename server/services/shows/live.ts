import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { canEnterRoom } from "../rooms/room-access";
import { NO_SUCH_SHOW, type ShowActor, type ShowOptions, meterParams } from "./common";
import { type MeterView, loadMeterView } from "./meter-view";
import { settleShows } from "./metering";
import { announce, changeShows, viewMessages } from "./notices";
import { selectCurrentShow, selectParticipantOf, setPerformerPaused, setShowStarted, stampHeartbeat } from "./queries";
import { assertRole, closeRequest, lockShow } from "./steps";

/**
 * A show while it runs and how it ends: either side ends it, a member leaves, the performer starts, pauses or
 * resumes the meter; the pages' heartbeats, the show a page (re)opens, and the meter a page polls.
 */

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
    const mine = await selectParticipantOf(db, showId, actor.id);
    if (!isPerformer && !mine) throw new DomainError("NOT_FOUND", NO_SUCH_SHOW);
    if (show.status === "ENDED" || show.status === "DECLINED" || (!isPerformer && mine?.status === "ENDED")) return [];
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
      await setShowStarted(db, showId, options.at ?? null);
    } else {
      if (show.meter_control !== "PERFORMER_CONTROLS") throw new DomainError("FORBIDDEN", "In this room the performer can't pause the meter.");
      if (!show.started_at) throw new DomainError("PRECONDITION_FAILED", "Start the meter first.");
      await setPerformerPaused(db, showId, action === "pause");
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
  return { live: await stampHeartbeat(pool, showId, actor.id, options.at ?? null) };
}

export const currentSchema = z.object({ performerId: z.uuid() });

/**
 * The caller's show in the performer's room, for a page (re)opening it: the performer's live show or else the
 * oldest open request; a member's own requested or live show there, or else the room's live group show to join.
 */
export async function currentShow(actor: ShowActor, input: z.input<typeof currentSchema>, options: ShowOptions = {}): Promise<MeterView | null> {
  const { performerId } = currentSchema.parse(input);
  const found = await selectCurrentShow(pool, performerId, actor.id);
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
