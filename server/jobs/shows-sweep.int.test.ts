import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { appRouter } from "@/server/api/root";
import { closeDb, pool } from "@/server/db/client";
import { setRoomOnline } from "@/server/services/rooms";
import { requestPrivateShow, respondToRequest } from "@/server/services/shows";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { fundUser } from "@/server/testing/factories";
import { enqueueJob } from "./enqueue";
import { showsSweepJob } from "./shows-sweep";
import { startWorker } from "./worker";

vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));
vi.mock("@/server/integrations/email", () => ({ sendEmail: vi.fn(async () => {}) }));

let showId: string;

beforeAll(async () => {
  const admin = await makeAdmin();
  await appRouter.createCaller({ user: admin, ip: "127.0.0.1" }).commissions.set({ kind: "PRIVATE_SHOW", performerShareBps: 7000 });
  const performer = await makePerformer(admin);
  await setRoomOnline(performer, { online: true });
  const member = await makeMember();
  await fundUser(pool, member.id, 1_000n);
  const requested = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() });
  showId = (await respondToRequest(performer, { showId: requested.showId, accept: true })).showId;
});

afterAll(async () => {
  await closeDb();
});

/**
 * Sets the meter to `seconds` metered as of now, with both sides seen just now. An absolute figure, not a shift:
 * the real seconds a slow machine spends waiting for the previous settlement must not add to what the meter owes.
 */
async function meterAt(seconds: number): Promise<void> {
  await pool.query("UPDATE shows SET performer_seen_at = now() WHERE id = $1", [showId]);
  await pool.query(
    "UPDATE show_participants SET running_since = now() - make_interval(secs => $2 - metered_seconds), member_seen_at = now() WHERE show_id = $1",
    [showId, seconds],
  );
}

async function settledSoon(expected: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let settled = "";
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ settled: string }>("SELECT settled FROM show_participants WHERE show_id = $1", [showId]);
    settled = rows[0]?.settled ?? "";
    if (settled === expected) return settled;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return settled;
}

it("runs every few seconds by queueing its own next run", async () => {
  const worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, jobs: [showsSweepJob] });
  try {
    await meterAt(100);
    await enqueueJob("shows.sweep", {});
    // 100 s owe 120 (the first minute and two increments): past the threshold of 100, so the sweep collects it.
    expect(await settledSoon("120", 15_000)).toBe("120");
    // 230 s owe 240 in all; only the chain of self-queued runs (the cron fires once a minute) collects it.
    await meterAt(230);
    expect(await settledSoon("240", 15_000)).toBe("240");
  } finally {
    await worker.close();
  }
});
