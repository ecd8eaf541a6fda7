import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { deliverAllDue } from "@/server/outbox/relay";
import { sendTip } from "@/server/services/tips";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs } from "@/server/testing/api";
import { fundUser } from "@/server/testing/factories";
import type { OpHistory } from "./journal";
import { verify } from "./verify";

vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));

/** The chaos run's verdict must see what it exists to see: a lost, a duplicated and a wrongly refused operation. */

let member: SessionUser;
let performer: SessionUser;
let since: Date;

const tipHistory = (key: string, outcome: { acked?: boolean; refused?: boolean }): OpHistory => ({
  request: { kind: "tip", actor: member.id, key, params: { performerId: performer.id, amount: "5" } },
  attempts: 1,
  acked: outcome.acked ? { transactionId: "?" } : null,
  refused: outcome.refused ? "INSUFFICIENT_FUNDS" : null,
});

const tip = (key: string) => sendTip(member.id, { performerId: performer.id, amount: 5n, idempotencyKey: key });

beforeAll(async () => {
  const admin = await makeAdmin();
  member = await makeMember();
  performer = await makePerformer(admin, "Verdict Performer");
  await callerAs(admin).commissions.set({ kind: "TIP", performerShareBps: 8000 });
  await fundUser(pool, member.id, 1_000n);
  since = (await pool.query<{ now: Date }>("SELECT now()")).rows[0]!.now;
});

afterAll(closeDb);

describe("the chaos run's verdict", () => {
  it("passes books that match the journal, and counts each kind of mismatch", async () => {
    const done = randomUUID();
    await tip(done);
    await deliverAllDue(pool);
    const clean = await verify(pool, { histories: [tipHistory(done, { acked: true })], events: [], since });
    expect(clean).toMatchObject({ violations: 0, lost: 0, duplicated: 0 });

    const refusedButPosted = randomUUID();
    const unjournaled = randomUUID();
    await tip(refusedButPosted);
    await tip(unjournaled);
    const histories = [tipHistory(done, { acked: true }), tipHistory(randomUUID(), { acked: true }), tipHistory(refusedButPosted, { refused: true })];
    const events = [{ id: "evt_never_processed", type: "checkout.session.completed", deliveries: [{ state: "delivered" as const }] }];
    const verdict = await verify(pool, { histories, events, since });
    // Lost: the acknowledged tip that isn't in the books, the delivered event never processed, and the two new
    // tips' outbox messages not yet delivered (one each, which the relay expands into the tip's announcements).
    expect(verdict.lost).toBe(1 + 1 + 2);
    // Duplicated: the tip no operation asked for.
    expect(verdict.duplicated).toBe(1);
    // A refusal that posted anyway.
    expect(verdict.violations).toBe(1);
  });
});
