import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { walletBalances } from "@/server/ledger/balances";
import { fundUser } from "@/server/testing/factories";
import { countRoundTrips } from "@/server/testing/round-trips";
import { routeRequestAs } from "@/server/testing/session-cookie";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, expectLedgerInvariantsHold } from "@/server/testing/api";

const trigger = vi.hoisted(() => vi.fn<(channels: string | string[], event: string, data?: unknown) => Promise<object>>(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

let admin: SessionUser;
let luna: SessionUser;
let planId: string;

beforeAll(async () => {
  admin = await makeAdmin();
  luna = await makePerformer(admin, "Luna Trip");
  await callerAs(admin).commissions.set({ kind: "MEMBERSHIP", performerShareBps: 7500 });
  planId = (await callerAs(luna).memberships.createPlan({ name: "Trip Club", price: 101n, periodDays: 30 })).id;
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

describe("joining a plan in one round trip", () => {
  it("is one round trip to the database from a session's cookie, the session's check included", async () => {
    const member = await makeMember("tripper");
    await fundUser(pool, member.id, 500n);
    const request = await routeRequestAs(member, "http://127.0.0.1:3000/api/trpc/memberships.subscribe");
    const caller = appRouter.createCaller(await createTRPCContext({ headers: request.headers, cookies: request.cookies }));
    const { result, roundTrips } = await countRoundTrips(() => caller.memberships.subscribe({ planId, idempotencyKey: randomUUID() }));
    expect(result.replayed).toBe(false);
    expect(roundTrips).toBe(1);
    expect((await walletBalances(pool, member.id)).available).toBe(399n);
  });
});
