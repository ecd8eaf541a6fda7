import "server-only";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { env } from "@/server/env";
import { type ShowEndedPayload, type ShowViewEvent, type ShowViewPayload, userChannel } from "@/server/domain/realtime-events";
import { type OutboxMessage, enqueue, transactionTag } from "@/server/outbox/messages";
import { realtimeEvent } from "@/server/outbox/realtime";
import type { ShowActor, ShowOptions } from "./common";
import { showReceiptEmail, showRevenueEmail } from "./emails";
import { type MeterView, loadMeterView } from "./meter-view";
import type { MeterChange } from "./metering";
import { selectMemberReceipt, selectShowAudience, selectShowRevenue } from "./queries";

/**
 * What show changes announce, built in one place: the realtime events on each side's private channel, wallet
 * refreshes, and the receipt and revenue emails (their bodies are in emails.ts). All are written to the outbox in
 * the transaction of the change they announce (changeShows), so they exist exactly when the change does, and the
 * worker's relay, woken by the commit, delivers them.
 */

/** Event payloads travel as JSON: amounts as decimal strings, times as ISO strings. */
function onTheWire(view: MeterView): ShowViewPayload {
  return JSON.parse(JSON.stringify(view, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))) as ShowViewPayload;
}

/**
 * Runs one change to shows in a transaction and writes what it announces in the same one (server/outbox): the
 * announcements exist exactly when the change does, and the worker's relay, woken by the commit, delivers them.
 * `quiet` (demo data) announces nothing.
 */
export async function changeShows<T>(
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
export async function showViewForDelivery(showId: string, viewer: ShowActor, at: string | null): Promise<ShowViewPayload> {
  return onTheWire(await loadMeterView(pool, viewer, showId, at ? { at: new Date(at) } : {}));
}

/** Each side's view of the show, refreshed on their pages. */
export async function viewMessages(
  db: Queryable,
  showId: string,
  to: { performer: boolean; members: readonly string[] | "all"; requested?: boolean },
  tag: string,
  options: ShowOptions,
): Promise<OutboxMessage[]> {
  const show = await selectShowAudience(db, showId);
  if (!show) return [];
  const at = options.at?.toISOString() ?? null;
  const view = (userId: string, role: "PERFORMER" | "MEMBER", event: ShowViewEvent): OutboxMessage => ({
    key: `show:${showId}:${tag}:${event}:${userId}`,
    kind: "show-view",
    showId,
    userId,
    role,
    event,
    at,
  });
  const messages: OutboxMessage[] = [];
  if (to.performer) messages.push(view(show.performer_id, "PERFORMER", to.requested ? "show.requested" : "show.updated"));
  const members = to.members === "all" ? show.member_ids : to.members.filter((id) => show.member_ids.includes(id));
  for (const memberId of members) messages.push(view(memberId, "MEMBER", "show.updated"));
  return messages;
}

export function walletMessage(userId: string, key: string): OutboxMessage {
  return { key, kind: "wallet-update", userId };
}

/**
 * What a settlement announces to both sides: ended meters and shows (event, wallet, receipt or revenue note);
 * meters that paused, resumed or ran low; and every charge posted, so that the member's wallet, the performer's
 * earnings and both show panels move on the same tick with the same numbers.
 */
export async function announce(db: Queryable, changes: readonly MeterChange[], tag: string, options: ShowOptions): Promise<OutboxMessage[]> {
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
  const meter = await selectMemberReceipt(db, change.participantId);
  if (!meter) return [];
  const about = `show:${change.showId}:member-ended:${change.participantId}`;
  const payload: ShowEndedPayload = { showId: change.showId, reason: change.endReason, charged: meter.settled };
  const messages: OutboxMessage[] = [
    realtimeEvent(`${about}:event`, userChannel(change.memberId), "show.ended", payload),
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
  const show = await selectShowRevenue(db, change.showId);
  if (!show) return [];
  const about = `show:${change.showId}:ended`;
  const charged = BigInt(show.charged);
  const payload: ShowEndedPayload = { showId: change.showId, reason: change.endReason, charged: charged.toString() };
  const event = realtimeEvent(`${about}:event`, userChannel(change.performerId), "show.ended", payload);
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
