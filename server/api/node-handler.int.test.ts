import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import superjson from "superjson";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_BATCH_SIZE } from "@/server/api/limits";
import { TRPC_BASE_PATH, createTrpcNodeHandler } from "@/server/api/node-handler";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { createClientAddressServer } from "@/server/http/app-server";
import { walletBalances } from "@/server/ledger/balances";
import { securityHeaders } from "@/server/security-headers";
import { callerAs, expectLedgerInvariantsHold, ledgerTransactionCount } from "@/server/testing/api";
import { fundUser } from "@/server/testing/factories";
import { sessionCookie } from "@/server/testing/session-cookie";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

/**
 * The API as the app server answers it (scripts/app-server.ts): tRPC straight from node:http over a real socket,
 * in front of a stand-in for Next.js's handler of everything else.
 */
let server: Server;
let base: string;
let member: SessionUser;
let performer: SessionUser;

beforeAll(async () => {
  const admin = await makeAdmin();
  member = await makeMember();
  performer = await makePerformer(admin, "Node Stage");
  await callerAs(admin).commissions.set({ kind: "TIP", performerShareBps: 8000 });
  await fundUser(pool, member.id, 1_000n);
  const api = createTrpcNodeHandler(securityHeaders({ https: false }));
  server = createClientAddressServer(
    (request, response) => (request.url?.startsWith(TRPC_BASE_PATH) ? api(request, response) : response.end("pages")),
    [],
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeDb();
});

const tipBody = (amount: bigint, idempotencyKey = randomUUID()) => JSON.stringify(superjson.serialize({ performerUsername: performer.username, amount, idempotencyKey }));

async function sendTip(cookie: string | null, body: string): Promise<{ status: number; body: { result?: { data: unknown }; error?: { json: { message: string; data: Record<string, unknown> } } }; headers: Headers }> {
  const response = await fetch(`${base}/api/trpc/tips.send`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body,
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe("the API served from node:http", () => {
  it("posts a tip for the session a cookie carries, answers in superjson, and sends every route's security headers", async () => {
    const before = (await walletBalances(pool, member.id)).available;
    const { status, body, headers } = await sendTip(`theme=dark; ${await sessionCookie(member)}`, tipBody(7n));
    expect({ status, error: body.error?.json.message }).toEqual({ status: 200, error: undefined });
    const tip = superjson.deserialize<{ amount: bigint; replayed: boolean; stageName: string }>(body.result?.data as never);
    expect(tip).toMatchObject({ amount: 7n, replayed: false, stageName: "Node Stage" });
    expect((await walletBalances(pool, member.id)).available).toBe(before - 7n);
    for (const header of securityHeaders({ https: false })) expect(headers.get(header.key)).toBe(header.value);
  });

  it("answers a batch of queries with each one's own result, and refuses one past the batch limit", async () => {
    const cookie = await sessionCookie(member);
    const paths = ["wallet.balances", "wallet.balances"].join(",");
    const response = await fetch(`${base}/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`, { headers: { cookie } });
    expect(response.status).toBe(200);
    const results = (await response.json()) as Array<{ result: { data: unknown } }>;
    expect(results).toHaveLength(2);

    const tooMany = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => "wallet.balances").join(",");
    const refused = await fetch(`${base}/api/trpc/${tooMany}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`, { headers: { cookie } });
    expect(refused.status).toBe(400);
  });

  it("refuses a signed-out caller and bad input with the app's clear errors, posting nothing", async () => {
    const count = await ledgerTransactionCount();
    const signedOut = await sendTip(null, tipBody(5n));
    expect(signedOut.status).toBe(401);
    expect(signedOut.body.error?.json.message).toBe("Sign in to continue.");

    const tooBig = await sendTip(await sessionCookie(member), tipBody(10_000_000n));
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error?.json.data.fieldErrors).toEqual({ amount: ["A tip is at most 100000 credits."] });

    const notJson = await sendTip(await sessionCookie(member), "{not json");
    expect(notJson.status).toBe(400);
    expect(await ledgerTransactionCount()).toBe(count);
  });

  it("leaves every other path to Next.js", async () => {
    expect(await (await fetch(`${base}/api/health`)).text()).toBe("pages");
    expect(await (await fetch(`${base}/api/trpcx`)).text()).toBe("pages");
  });
});
