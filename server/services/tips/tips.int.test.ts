import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { clawbackLegs } from "@/server/domain/ledger";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import { deliverAllDue, deliverDue, startOutboxRelay } from "@/server/outbox/relay";
import { fundUser } from "@/server/testing/factories";
import { applyAsPerformer } from "@/server/services/accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { crashNextRelayPass } from "@/server/testing/relay-crash";
import { countRoundTrips } from "@/server/testing/round-trips";
import { routeRequestAs } from "@/server/testing/session-cookie";
import { callerAs, expectLedgerInvariantsHold, ledgerTransactionCount, refusalCodeOf } from "@/server/testing/api";

const trigger = vi.hoisted(() => vi.fn<(channels: string | string[], event: string, data?: unknown) => Promise<object>>(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

let admin: SessionUser;
let member: SessionUser;
let performer: SessionUser;
let starPerformer: SessionUser;

const tip = (user: SessionUser, to: SessionUser, amount: bigint, extra: { message?: string; idempotencyKey?: string } = {}) =>
  callerAs(user).tips.send({ performerUsername: to.username, amount, idempotencyKey: extra.idempotencyKey ?? randomUUID(), message: extra.message });

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember();
  performer = await makePerformer(admin, "Aria Stage");
  starPerformer = await makePerformer(admin, "Star");
  await callerAs(admin).commissions.set({ kind: "TIP", performerShareBps: 8000 });
  await callerAs(admin).commissions.set({ kind: "TIP", performerId: starPerformer.id, performerShareBps: 9000 });
  await fundUser(pool, member.id, 10_000n);
});

beforeEach(async () => {
  await deliverAllDue(pool);
  trigger.mockClear();
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

describe("sending a tip", () => {
  it("splits at the default rate into the performer's pending earnings, records the rate, and tells both sides", async () => {
    const before = await walletBalances(pool, member.id);
    const result = await tip(member, performer, 101n, { message: "Great show" });
    expect(result).toMatchObject({ replayed: false, amount: 101n, net: 80n, rateBps: 8000, stageName: "Aria Stage" });

    expect((await walletBalances(pool, member.id)).available).toBe(before.available - 101n);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ available: 0n, pending: 80n });
    const { rows } = await pool.query<{ kind: string; description: string; metadata: Record<string, unknown> }>(
      "SELECT kind, description, metadata FROM ledger_transactions WHERE id = $1",
      [result.transactionId.toString()],
    );
    expect(rows[0]).toMatchObject({ kind: "TIP", description: "Tip to Aria Stage", metadata: { rateBps: 8000, amount: "101", performerShare: "80", platformShare: "21" } });
    const { rows: revenue } = await pool.query<{ amount: string }>(
      `SELECT e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
        WHERE e.transaction_id = $1 AND a.type = 'REVENUE'`,
      [result.transactionId.toString()],
    );
    expect(revenue.map((row) => row.amount)).toEqual(["21"]);

    await deliverAllDue(pool);
    expect(trigger).toHaveBeenCalledWith(`private-user-${performer.id}`, "tip.received", {
      transactionId: result.transactionId.toString(),
      fromDisplayName: member.displayName,
      amount: "101",
      net: "80",
      message: "Great show",
      at: expect.any(String) as string,
    });
    expect(trigger).toHaveBeenCalledWith(`private-user-${member.id}`, "wallet.updated", expect.anything());
    const feed = await callerAs(performer).tips.received();
    expect(feed[0]).toMatchObject({ transactionId: result.transactionId, fromDisplayName: member.displayName, amount: 101n, net: 80n });
  });

  it("uses the performer's override over the default", async () => {
    const result = await tip(member, starPerformer, 100n);
    expect(result).toMatchObject({ net: 90n, rateBps: 9000 });
    const byId = await callerAs(member).tips.send({ performerId: starPerformer.id, amount: 10n, idempotencyKey: randomUUID() });
    expect(byId).toMatchObject({ net: 9n, rateBps: 9000, stageName: "Star" });
    expect((await walletBalances(pool, starPerformer.id)).pending).toBe(99n);
  });

  it("applies a rate change only to later tips, and a future rate not yet", async () => {
    const other = await makePerformer(admin, "Later");
    const first = await tip(member, other, 100n);
    await callerAs(admin).commissions.set({ kind: "TIP", performerId: other.id, performerShareBps: 7000 });
    await callerAs(admin).commissions.set({
      kind: "TIP",
      performerId: other.id,
      performerShareBps: 5000,
      effectiveFrom: new Date(Date.now() + 86_400_000),
    });
    const second = await tip(member, other, 100n);
    expect([first.net, second.net]).toEqual([80n, 70n]);
    expect((await walletBalances(pool, other.id)).pending).toBe(150n);
  });

  it("returns the first tip for a retry with the same key, posting and announcing once", async () => {
    const key = randomUUID();
    const first = await tip(member, performer, 40n, { idempotencyKey: key });
    await deliverAllDue(pool);
    expect(trigger).toHaveBeenCalledWith(expect.anything(), "tip.received", expect.anything());
    const count = await ledgerTransactionCount();
    trigger.mockClear();
    const retry = await tip(member, performer, 40n, { idempotencyKey: key });
    await deliverAllDue(pool);
    expect(retry).toMatchObject({ transactionId: first.transactionId, replayed: true, net: 32n, rateBps: 8000 });
    expect(await ledgerTransactionCount()).toBe(count);
    expect(trigger).not.toHaveBeenCalledWith(expect.anything(), "tip.received", expect.anything());
    expect(await refusalCodeOf(() => tip(member, performer, 41n, { idempotencyKey: key }))).toBe("CONFLICT");
  });

  it("is announced from its own message, one row per tip: a relay that dies before its commit leaves it to the next claim, which announces it once", async () => {
    const announcementRows = async (transactionId: bigint) =>
      (await pool.query("SELECT 1 FROM outbox_messages WHERE key LIKE $1", [`tip:${transactionId}:%`])).rowCount;
    const tipDelivered = async (transactionId: bigint) =>
      (await pool.query<{ delivered: boolean }>("SELECT delivered_at IS NOT NULL AS delivered FROM outbox_messages WHERE key = $1", [`tip:${transactionId}`])).rows;
    // A message ahead of the tip in the same batch whose delivery kills the relay's session and stops the relay
    // there, as a crash would: nothing after it in the batch is published.
    const publishNormally = await crashNextRelayPass(pool, trigger);
    try {
      const result = await tip(member, performer, 3n, { message: "Crash" });
      await expect(deliverDue(pool)).rejects.toThrow();
      expect(await tipDelivered(result.transactionId)).toEqual([{ delivered: false }]);

      await deliverAllDue(pool);
      expect(await tipDelivered(result.transactionId)).toEqual([{ delivered: true }]);
      expect(await announcementRows(result.transactionId)).toBe(0);
      const received = trigger.mock.calls.filter((call) => (call as unknown[])[1] === "tip.received");
      expect(received).toEqual([[`private-user-${performer.id}`, "tip.received", expect.objectContaining({ transactionId: result.transactionId.toString(), amount: "3", message: "Crash" })]]);
      const published = trigger.mock.calls.map((call) => `${(call as unknown[])[0]} ${(call as unknown[])[1]}`);
      for (const expected of [`private-user-${member.id} wallet.updated`, `private-user-${performer.id} wallet.updated`, `presence-room-${performer.id} room.tip`]) {
        expect(published).toContain(expected);
      }
    } finally {
      publishNormally();
    }
  });

  it("is delivered with the batch's other tips from two reads, the tips and every wallet they moved, however many; a malformed message fails alone", async () => {
    const tippers = [member, await makeMember("batch-a"), await makeMember("batch-b")];
    for (const tipper of tippers.slice(1)) await fundUser(pool, tipper.id, 100n);
    const sent = [];
    for (let n = 0; n < 12; n++) sent.push(await tip(tippers[n % 3]!, n % 2 ? performer : starPerformer, BigInt(n + 1)));
    await enqueue(pool, [{ key: `tip:malformed:${randomUUID()}`, kind: "tip", transactionId: "not a transaction" }]);

    const { result: report, roundTrips } = await countRoundTrips(() => deliverDue(pool));
    expect(report).toEqual({ delivered: 12, failed: 1, dead: 0 });
    // BEGIN, the claim, the tips, the wallets, the outcomes (delivered, then the failed one), COMMIT.
    expect(roundTrips).toBe(7);
    const received = trigger.mock.calls.filter((call) => (call as unknown[])[1] === "tip.received").map((call) => (call as unknown[])[2]);
    expect(received.map((payload) => (payload as { transactionId: string }).transactionId).sort()).toEqual(sent.map((each) => each.transactionId.toString()).sort());
    const walletEvents = trigger.mock.calls.filter((call) => (call as unknown[])[1] === "wallet.updated");
    for (const user of [...tippers, performer, starPerformer]) {
      const events = walletEvents.filter((call) => (call as unknown[])[0] === `private-user-${user.id}`);
      expect(events).toHaveLength(1);
      const balances = await walletBalances(pool, user.id);
      expect(events[0]?.[2]).toMatchObject({ available: balances.available.toString(), pending: balances.pending.toString() });
    }
    const malformed = await pool.query<{ last_error: string }>("SELECT last_error FROM outbox_messages WHERE key LIKE 'tip:malformed:%' AND delivered_at IS NULL");
    expect(malformed.rows).toEqual([{ last_error: "tip not a transaction not found" }]);
    await pool.query("DELETE FROM outbox_messages WHERE key LIKE 'tip:malformed:%'");
  });

  it("wakes the relay when nothing else waits in the outbox, so its announcements go out without waiting for a poll", async () => {
    // Polling once a minute: only the tip's notification can deliver within the wait below.
    const relay = await startOutboxRelay({ databaseUrl: process.env.DATABASE_URL as string, pool, pollMs: 60_000 });
    try {
      await tip(member, performer, 7n, { message: "Woken" });
      await expect
        .poll(() => trigger.mock.calls.some((call) => (call as unknown[])[1] === "tip.received" && JSON.stringify((call as unknown[])[2]).includes("Woken")), {
          timeout: 5_000,
        })
        .toBe(true);
    } finally {
      await relay.close();
    }
  });
});

describe("tips that are refused post nothing", () => {
  it.each([
    ["more than the wallet holds", () => tip(member, performer, 100_000n), "INSUFFICIENT_FUNDS"],
    ["to oneself", () => tip(performer, performer, 5n), "FORBIDDEN"],
    ["zero credits", () => tip(member, performer, 0n), "BAD_REQUEST"],
    ["more than the largest tip", () => tip(member, performer, 100_001n), "BAD_REQUEST"],
    ["a message over 280 characters", () => tip(member, performer, 5n, { message: "x".repeat(281) }), "BAD_REQUEST"],
    ["while signed out", () => callerAs(null).tips.send({ performerUsername: performer.username, amount: 5n, idempotencyKey: randomUUID() }), "UNAUTHORIZED"],
    [
      "naming the performer twice",
      () => callerAs(member).tips.send({ performerUsername: performer.username, performerId: performer.id, amount: 5n, idempotencyKey: randomUUID() }),
      "BAD_REQUEST",
    ],
    ["to a username nobody has", () => callerAs(member).tips.send({ performerUsername: "nobody-here", amount: 5n, idempotencyKey: randomUUID() }), "NOT_FOUND"],
  ])("%s", async (_case, call, expected) => {
    const count = await ledgerTransactionCount();
    expect(await refusalCodeOf(call)).toBe(expected);
    expect(await ledgerTransactionCount()).toBe(count);
  });

  it("from a session the server ended since its cookie was issued, though the tip's statement is all that checks it", async () => {
    const revoked = await makeMember("revoked");
    await fundUser(pool, revoked.id, 100n);
    const request = await routeRequestAs(revoked, "http://127.0.0.1:3000/api/trpc/tips.send");
    const fromCookie = async () => appRouter.createCaller(await createTRPCContext({ headers: request.headers, cookies: request.cookies }));
    const send = async () => (await fromCookie()).tips.send({ performerUsername: performer.username, amount: 5n, idempotencyKey: randomUUID() });
    expect(await refusalCodeOf(send)).toBe("OK");

    // A password change or a suspension bumps the version, ending every session issued before.
    await pool.query("UPDATE users SET session_version = session_version + 1 WHERE id = $1", [revoked.id]);
    const count = await ledgerTransactionCount();
    expect(await refusalCodeOf(send)).toBe("UNAUTHORIZED");
    await pool.query("UPDATE users SET session_version = session_version - 1, status = 'SUSPENDED' WHERE id = $1", [revoked.id]);
    expect(await refusalCodeOf(send)).toBe("UNAUTHORIZED");
    expect(await ledgerTransactionCount()).toBe(count);
    expect((await walletBalances(pool, revoked.id)).available).toBe(95n);
  });

  it("is one round trip to the database from a session's cookie, the session's check included", async () => {
    await fundUser(pool, member.id, 10n);
    const request = await routeRequestAs(member, "http://127.0.0.1:3000/api/trpc/tips.send");
    const caller = appRouter.createCaller(await createTRPCContext({ headers: request.headers, cookies: request.cookies }));
    const before = (await walletBalances(pool, member.id)).available;
    const { result, roundTrips } = await countRoundTrips(() => caller.tips.send({ performerUsername: performer.username, amount: 3n, idempotencyKey: randomUUID() }));
    expect(result.replayed).toBe(false);
    expect(roundTrips).toBe(1);
    expect((await walletBalances(pool, member.id)).available).toBe(before - 3n);
  });

  it("to a performer whose application is not approved", async () => {
    const applicant = await makeMember("applicant");
    await applyAsPerformer(applicant, { stageName: "Hopeful", bio: "Bio" });
    const count = await ledgerTransactionCount();
    expect(await refusalCodeOf(() => tip(member, applicant, 5n))).toBe("NOT_FOUND");
    expect(await ledgerTransactionCount()).toBe(count);
  });

  it("from a wallet a clawback left negative", async () => {
    const clawedBack = await makeMember("clawed");
    await fundUser(pool, clawedBack.id, 10n);
    await post(pool, {
      kind: "PURCHASE_REFUND",
      idempotencyKey: `test-clawback:${randomUUID()}`,
      actorId: null,
      description: "Test clawback",
      legs: clawbackLegs(clawedBack.id, 30n),
      allowOverdraft: true,
    });
    const count = await ledgerTransactionCount();
    expect(await refusalCodeOf(() => tip(clawedBack, performer, 5n))).toBe("ACCOUNT_RESTRICTED");
    expect(await ledgerTransactionCount()).toBe(count);
  });
});

describe("the commission schedule", () => {
  it("only an admin may list or set rates; a performer cannot set their own", async () => {
    const setOwn = (user: SessionUser | null) => () =>
      callerAs(user).commissions.set({ kind: "TIP", performerId: performer.id, performerShareBps: 10_000 });
    expect({
      anonymousSet: await refusalCodeOf(setOwn(null)),
      memberSet: await refusalCodeOf(setOwn(member)),
      performerSetsOwn: await refusalCodeOf(setOwn(performer)),
      memberList: await refusalCodeOf(() => callerAs(member).commissions.list()),
      performerList: await refusalCodeOf(() => callerAs(performer).commissions.list()),
    }).toEqual({ anonymousSet: "UNAUTHORIZED", memberSet: "FORBIDDEN", performerSetsOwn: "FORBIDDEN", memberList: "FORBIDDEN", performerList: "FORBIDDEN" });
    expect((await tip(member, performer, 10n)).rateBps).toBe(8000);
  });

  it("adds rows with an audit entry, refuses a start in the past or a rate out of range, and lists everything", async () => {
    const { id } = await callerAs(admin).commissions.set({ kind: "PRIVATE_SHOW", performerShareBps: 6500 });
    const { rows } = await pool.query<{ actor_id: string; details: Record<string, unknown> }>(
      "SELECT actor_id, details FROM audit_log WHERE action = 'commission.set' AND target_id = $1",
      [id.toString()],
    );
    expect(rows).toEqual([{ actor_id: admin.id, details: expect.objectContaining({ kind: "PRIVATE_SHOW", performerShareBps: 6500, performerId: null }) as unknown }]);
    expect(await refusalCodeOf(() => callerAs(admin).commissions.set({ kind: "TIP", performerShareBps: 5000, effectiveFrom: new Date(Date.now() - 60_000) }))).toBe("BAD_REQUEST");
    expect(await refusalCodeOf(() => callerAs(admin).commissions.set({ kind: "TIP", performerShareBps: 10_001 }))).toBe("BAD_REQUEST");
    expect(await refusalCodeOf(() => callerAs(admin).commissions.set({ kind: "TIP", performerId: member.id, performerShareBps: 5000 }))).toBe("NOT_FOUND");
    const byName = await callerAs(admin).commissions.set({ kind: "CONTENT", performerUsername: performer.username.toUpperCase(), performerShareBps: 7700 });
    const schedule = await callerAs(admin).commissions.list();
    expect(schedule.find((rate) => rate.id === id)).toMatchObject({ kind: "PRIVATE_SHOW", performerId: null, performerShareBps: 6500 });
    expect(schedule.find((rate) => rate.id === byName.id)).toMatchObject({ kind: "CONTENT", performerId: performer.id, performerShareBps: 7700 });
    expect(schedule.find((rate) => rate.performerId === starPerformer.id)).toMatchObject({ performerStageName: "Star", performerShareBps: 9000 });
  });
});
