import type { DemoUserIds } from "@/prisma/seed";
import { pool } from "@/server/db/client";
import { adjustmentLegs } from "@/server/domain/ledger";
import { chargeFor } from "@/server/domain/metering";
import { post } from "@/server/ledger/post";
import { loadRoomTerms } from "@/server/services/rooms";
import {
  type ShowActor,
  type ShowOptions,
  endShow,
  heartbeat,
  joinGroupShow,
  requestPrivateShow,
  respondToRequest,
  runShowSweep,
  startGroupShow,
  startMeter,
} from "@/server/services/shows";

/**
 * Demo show history, run through the show service with its clock set an hour back and no events or emails (the
 * realtime server and mail sink start after the seed): Mia's private show with Luna Vale, then Max in Chef Rex's
 * group show. Both pages "stay open" (a heartbeat every 15 s and the sweep after each), so the meters settle
 * as they would live. Each member first gets exactly the show's cost as an adjustment, so their wallets end as
 * the rest of the seed left them. Seeded once: skipped when the demo performers have any show.
 */

const PRIVATE_SHOW_SECONDS = 250;
const GROUP_SHOW_SECONDS = 300;

async function fundShow(ids: DemoUserIds, memberId: string, performerId: string, kind: "private" | "group", seconds: number): Promise<void> {
  const { terms } = await loadRoomTerms(pool, performerId);
  const price = kind === "private" ? terms.privatePricePerMinute : terms.groupPricePerMinute;
  await post(pool, {
    kind: "ADJUSTMENT",
    idempotencyKey: `seed:show-credits:${kind}:${memberId}`,
    actorId: ids.admin,
    description: "Adjustment: Demo show credits",
    metadata: { reason: "Demo show credits" },
    legs: adjustmentLegs(memberId, "available", chargeFor(seconds, { ...terms, pricePerMinute: price })),
  });
}

/** Both sides present from `from` to `to`, as open pages and the sweep job would be. */
async function stayLive(showId: string, sides: readonly ShowActor[], from: number, to: number, at: (second: number) => ShowOptions): Promise<void> {
  for (let second = from + 15; second <= to; second += 15) {
    for (const side of sides) await heartbeat(side, { showId }, at(second));
    await runShowSweep(at(second));
  }
}

export async function seedShows(ids: DemoUserIds): Promise<void> {
  const performers = [ids.performer1, ids.performer2];
  const { rows: existing } = await pool.query("SELECT 1 FROM shows WHERE performer_id = ANY($1::uuid[]) LIMIT 1", [performers]);
  if (existing.length > 0) return;
  const { rows } = await pool.query<{ start: Date }>("SELECT date_trunc('second', now()) - interval '1 hour' AS start");
  const start = (rows[0]?.start ?? new Date()).getTime();
  const at = (second: number): ShowOptions => ({ at: new Date(start + second * 1000), quiet: true });

  const luna: ShowActor = { id: ids.performer1, role: "PERFORMER" };
  const rex: ShowActor = { id: ids.performer2, role: "PERFORMER" };
  const mia: ShowActor = { id: ids.member1, role: "MEMBER" };
  const max: ShowActor = { id: ids.member2, role: "MEMBER" };
  await fundShow(ids, mia.id, luna.id, "private", PRIVATE_SHOW_SECONDS);
  await fundShow(ids, max.id, rex.id, "group", GROUP_SHOW_SECONDS);

  // Shows are taken only in an online room; the demo rooms go back offline afterwards.
  await pool.query(
    `INSERT INTO rooms (performer_id, online, online_since) SELECT id, true, now() FROM unnest($1::uuid[]) AS p(id)
     ON CONFLICT (performer_id) DO UPDATE SET online = true, online_since = now()`,
    [performers],
  );

  const request = await requestPrivateShow(mia, { performerId: luna.id, idempotencyKey: "6f1c2b9e-3d4a-4c5b-8e7f-1a2b3c4d5e6f" }, at(0));
  const accepted = await respondToRequest(luna, { showId: request.showId, accept: true }, at(0));
  if (accepted.meterControl !== "AUTOMATIC") await startMeter(luna, { showId: request.showId }, at(0));
  await stayLive(request.showId, [luna, mia], 0, PRIVATE_SHOW_SECONDS, at);
  await endShow(mia, { showId: request.showId }, at(PRIVATE_SHOW_SECONDS));

  // Max's meter runs from 615 s either way: from his joining, or (Chef Rex's room: the performer starts the
  // meter, seedRooms) from the moment Rex starts it.
  const group = await startGroupShow(rex, {}, at(600));
  const joinGroup = (second: number) => joinGroupShow(max, { showId: group.showId, idempotencyKey: "0b7e4c1d-9a2f-4e3b-b5c6-d7e8f9a0b1c2" }, at(second));
  if (group.meterControl === "AUTOMATIC") {
    await stayLive(group.showId, [rex], 600, 615, at);
    await joinGroup(615);
  } else {
    await joinGroup(600);
    await stayLive(group.showId, [rex, max], 600, 615, at);
    await startMeter(rex, { showId: group.showId }, at(615));
  }
  await stayLive(group.showId, [rex, max], 615, 615 + GROUP_SHOW_SECONDS, at);
  await endShow(rex, { showId: group.showId }, at(615 + GROUP_SHOW_SECONDS));

  await pool.query("UPDATE rooms SET online = false, online_since = NULL WHERE performer_id = ANY($1::uuid[])", [performers]);
}
