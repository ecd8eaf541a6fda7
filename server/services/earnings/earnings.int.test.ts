import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { deliverAllDue } from "@/server/outbox/relay";
import { withTransaction } from "@/server/db/transaction";
import { adjustmentLegs } from "@/server/domain/ledger";
import { earningsMatureJob } from "@/server/jobs/earnings-mature";
import { walletBalances } from "@/server/ledger/balances";
import { checkInvariants } from "@/server/ledger/invariants";
import { post } from "@/server/ledger/post";
import { fundUser } from "@/server/testing/factories";
import { setCommissionRate } from "../sales/commissions";
import { matureDueEarnings } from "./earnings";
import { postSale, refundSale } from "../sales/sales";
import { setSetting } from "../settings/settings";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, trpcCodeOf } from "@/server/testing/api";

const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

/** Maturation (due lots only, once, under concurrency and racing refunds) and the performer's earnings reports. */
let admin: SessionUser;
let member: SessionUser;
let otherMember: SessionUser;

const DAY_MS = 86_400_000;
const later = (days: number) => new Date(Date.now() + days * DAY_MS);
function sell(
  performer: SessionUser,
  amount: bigint,
  { buyer = member, saleKind = "TIP", kind = "TIP" }: { buyer?: SessionUser; saleKind?: "TIP" | "CONTENT"; kind?: "TIP" | "CONTENT_UNLOCK" } = {},
) {
  return withTransaction(pool, (db) =>
    postSale(db, {
      kind,
      saleKind,
      buyerId: buyer.id,
      performerId: performer.id,
      amount,
      idempotencyKey: `test-sale:${randomUUID()}`,
      request: { amount },
      description: "Test sale",
    }),
  );
}

function refund(saleTransactionId: bigint) {
  return withTransaction(pool, (db) =>
    refundSale(db, { saleTransactionId, idempotencyKey: `test-refund:${randomUUID()}`, actorId: admin.id, description: "Test refund" }),
  );
}

async function lotStates(performerId: string): Promise<{ transaction_id: string; remaining: string; matured: boolean; matured_transaction_id: string | null }[]> {
  const { rows } = await pool.query(
    `SELECT transaction_id, remaining, matured_at IS NOT NULL AS matured, matured_transaction_id
       FROM earnings_lots WHERE performer_id = $1 ORDER BY id`,
    [performerId],
  );
  return rows;
}

async function maturations(performerId: string): Promise<{ id: string; metadata: { lotIds: string[] } }[]> {
  const { rows } = await pool.query(
    "SELECT id, metadata FROM ledger_transactions WHERE kind = 'EARNINGS_MATURED' AND metadata->>'performerId' = $1 ORDER BY id",
    [performerId],
  );
  return rows;
}

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember();
  otherMember = await makeMember("other");
  await setCommissionRate(admin.id, { kind: "TIP", performerShareBps: 8000 });
  await setCommissionRate(admin.id, { kind: "CONTENT", performerShareBps: 7500 });
  await setSetting(admin.id, "earningsHold", { defaultDays: 7, byKind: { TIP: 1, CONTENT: 3 } });
  await fundUser(pool, member.id, 1_000_000n);
  await fundUser(pool, otherMember.id, 1_000_000n);
});

beforeEach(async () => {
  await deliverAllDue(pool);
  trigger.mockClear();
});

afterEach(async () => {
  expect((await checkInvariants(pool)).filter((result) => !result.passed)).toEqual([]);
});

afterAll(async () => {
  await closeDb();
});

describe("matureDueEarnings", () => {
  it("moves exactly the lots due at the given time, one posting per performer, and tells each performer", async () => {
    const luna = await makePerformer(admin, "Luna");
    const rex = await makePerformer(admin, "Rex");
    const lunaTip = await sell(luna, 100n);
    const lunaContent = await sell(luna, 100n, { saleKind: "CONTENT", kind: "CONTENT_UNLOCK" });
    const lunaSecondTip = await sell(luna, 10n);
    await sell(rex, 50n);

    expect((await matureDueEarnings({ at: later(0.5) })).batches.filter((b) => [luna.id, rex.id].includes(b.performerId))).toEqual([]);

    const run = await matureDueEarnings({ at: later(2) });
    const lunaBatch = run.batches.find((batch) => batch.performerId === luna.id);
    expect(lunaBatch).toMatchObject({ lots: 2, amount: 88n });
    expect(run.batches.find((batch) => batch.performerId === rex.id)).toMatchObject({ lots: 1, amount: 40n });
    expect(await walletBalances(pool, luna.id)).toMatchObject({ pending: 75n, earnings: 88n });
    expect(await walletBalances(pool, rex.id)).toMatchObject({ pending: 0n, earnings: 40n });
    expect(await lotStates(luna.id)).toEqual([
      { transaction_id: lunaTip.transactionId.toString(), remaining: "0", matured: true, matured_transaction_id: lunaBatch?.transactionId.toString() },
      { transaction_id: lunaContent.transactionId.toString(), remaining: "75", matured: false, matured_transaction_id: null },
      { transaction_id: lunaSecondTip.transactionId.toString(), remaining: "0", matured: true, matured_transaction_id: lunaBatch?.transactionId.toString() },
    ]);
    const { rows: legs } = await pool.query<{ code: string; amount: string }>(
      "SELECT a.code, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 ORDER BY e.amount",
      [lunaBatch?.transactionId.toString()],
    );
    expect(legs).toEqual([
      { code: `user:${luna.id}:pending:CRD`, amount: "-88" },
      { code: `user:${luna.id}:earnings:CRD`, amount: "88" },
    ]);
    await deliverAllDue(pool);
    expect(trigger).toHaveBeenCalledWith(`private-user-${luna.id}`, "wallet.updated", {
      available: "0",
      earnings: "88",
      pending: "75",
      held: "0",
      restricted: false,
      wallets: { credits: "0", earnings: "88", bonus: "0", usd: "0", tab: "0" },
    });

    await matureDueEarnings({ at: later(4) });
    expect(await walletBalances(pool, luna.id)).toMatchObject({ pending: 0n, earnings: 163n });
  });

  it("run twice, moves nothing the second time", async () => {
    const performer = await makePerformer(admin);
    await sell(performer, 100n);
    const first = await matureDueEarnings({ at: later(2) });
    expect(first.batches.find((batch) => batch.performerId === performer.id)).toMatchObject({ lots: 1, amount: 80n });
    const second = await matureDueEarnings({ at: later(2) });
    expect(second.batches).toEqual([]);
    expect(await maturations(performer.id)).toHaveLength(1);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 0n, earnings: 80n });
  });

  it("concurrent runs mature each lot exactly once", async () => {
    const performers = [await makePerformer(admin), await makePerformer(admin)];
    const lotIds: string[] = [];
    for (let index = 0; index < 24; index += 1) {
      const sale = await sell(performers[index % 2] as SessionUser, 10n + BigInt(index));
      lotIds.push(sale.transactionId.toString());
    }
    const shares = (remainder: number) =>
      Array.from({ length: 24 }, (_, index) => index)
        .filter((index) => index % 2 === remainder)
        .reduce((sum, index) => sum + ((10n + BigInt(index)) * 8000n) / 10_000n, 0n);

    await Promise.all(Array.from({ length: 4 }, () => matureDueEarnings({ at: later(2), limit: 5 })));
    await matureDueEarnings({ at: later(2) });

    for (const [index, performer] of performers.entries()) {
      expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 0n, earnings: shares(index) });
      const maturedLotIds = (await maturations(performer.id)).flatMap((transaction) => transaction.metadata.lotIds);
      expect(new Set(maturedLotIds).size).toBe(maturedLotIds.length);
      expect(maturedLotIds).toHaveLength(12);
      expect((await lotStates(performer.id)).every((lot) => lot.matured && lot.remaining === "0")).toBe(true);
    }
  });

  it("passes over a lot a refund has locked, without waiting, and takes it on a later run", async () => {
    const performer = await makePerformer(admin);
    const locked = await sell(performer, 100n);
    await sell(performer, 50n);
    const refunding = await pool.connect();
    try {
      await refunding.query("BEGIN");
      await refunding.query("SELECT id FROM earnings_lots WHERE transaction_id = $1 FOR UPDATE", [locked.transactionId.toString()]);
      const run = await matureDueEarnings({ at: later(2) });
      expect(run.batches.find((batch) => batch.performerId === performer.id)).toMatchObject({ lots: 1, amount: 40n });
      await refunding.query("COMMIT");
    } finally {
      refunding.release();
    }
    await matureDueEarnings({ at: later(2) });
    expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 0n, earnings: 120n });
  });

  it("a refund racing maturation takes the share back exactly once", async () => {
    const performer = await makePerformer(admin);
    const sales = [];
    for (let index = 0; index < 6; index += 1) sales.push(await sell(performer, 100n));
    const refunded = sales[2]?.transactionId as bigint;

    const [, refundResult] = await Promise.all([matureDueEarnings({ at: later(2) }), refund(refunded)]);
    await matureDueEarnings({ at: later(2) });

    expect(refundResult.fromPending + refundResult.fromAvailable).toBe(80n);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 0n, earnings: 400n, restricted: false });
    const matured = (await maturations(performer.id)).flatMap((transaction) => transaction.metadata.lotIds);
    expect(new Set(matured).size).toBe(matured.length);
  });

  it("skips a performer whose pending balance cannot cover their lots, and matures the others", async () => {
    const short = await makePerformer(admin);
    const fine = await makePerformer(admin);
    await sell(short, 100n);
    await sell(fine, 100n);
    await post(pool, {
      kind: "ADJUSTMENT",
      idempotencyKey: `test-pending-debit:${randomUUID()}`,
      actorId: admin.id,
      description: "Test pending debit",
      legs: adjustmentLegs(short.id, "pending", -50n),
    });
    const run = await matureDueEarnings({ at: later(2) });
    expect(run.refused).toEqual([{ performerId: short.id, reason: expect.stringContaining("Not enough credits") }]);
    expect(await walletBalances(pool, fine.id)).toMatchObject({ pending: 0n, earnings: 80n });
    expect(await walletBalances(pool, short.id)).toMatchObject({ pending: 30n, earnings: 0n });
  });

  it("runs as the earnings.mature job at the database's clock", async () => {
    await setSetting(admin.id, "earningsHold", { defaultDays: 7, byKind: { TIP: 0, CONTENT: 3 } });
    try {
      const performer = await makePerformer(admin);
      await sell(performer, 100n);
      await earningsMatureJob.handler([]);
      expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 0n, earnings: 80n });
      await deliverAllDue(pool);
      expect(trigger).toHaveBeenCalledWith(`private-user-${performer.id}`, "wallet.updated", expect.objectContaining({ earnings: "80" }));
    } finally {
      await setSetting(admin.id, "earningsHold", { defaultDays: 7, byKind: { TIP: 1, CONTENT: 3 } });
    }
  });
});

describe("the earnings reports", () => {
  it("total net earnings by day, kind and supporter, newest lines first, with maturity dates", async () => {
    const performer = await makePerformer(admin, "Aria");
    const tip = await sell(performer, 100n);
    await sell(performer, 200n, { saleKind: "CONTENT", kind: "CONTENT_UNLOCK" });
    await sell(performer, 50n, { buyer: otherMember });
    const refunded = await sell(performer, 20n, { buyer: otherMember });
    await refund(refunded.transactionId);
    // Another performer's sale to the same buyer is not this performer's earning.
    await sell(await makePerformer(admin), 1_000n);

    const overview = await callerAs(performer).earnings.overview({ granularity: "day" });
    expect(overview.series).toHaveLength(30);
    expect(overview.series.at(-1)?.amount).toBe(80n + 150n + 40n);
    expect(overview.series.slice(0, -1).every((bucket) => bucket.amount === 0n)).toBe(true);
    expect(overview.totals).toEqual({ earned: 80n + 150n + 40n + 16n, refunded: 16n, net: 270n, sales: 4 });
    expect(overview.byKind).toEqual([
      { saleKind: "CONTENT", net: 150n, sales: 1 },
      { saleKind: "TIP", net: 120n, sales: 3 },
    ]);
    expect(overview.topSupporters).toEqual([
      { userId: member.id, displayName: member.displayName, net: 230n, sales: 2 },
      { userId: otherMember.id, displayName: otherMember.displayName, net: 40n, sales: 2 },
    ]);
    expect((await callerAs(performer).earnings.overview({ granularity: "month" })).series.at(-1)?.amount).toBe(270n);

    const recent = await callerAs(performer).earnings.recent({});
    expect(recent.map((line) => [line.kind, line.amount, line.fromDisplayName])).toEqual([
      ["SALE_REFUND", -16n, otherMember.displayName],
      ["TIP", 16n, otherMember.displayName],
      ["TIP", 40n, otherMember.displayName],
      ["CONTENT_UNLOCK", 150n, member.displayName],
      ["TIP", 80n, member.displayName],
    ]);
    expect(recent.at(-1)).toMatchObject({ transactionId: tip.transactionId, saleAmount: 100n, maturesAt: tip.maturesAt, maturedAt: null });
    expect(recent[0]).toMatchObject({ saleAmount: null, maturesAt: null });

    const maturing = await callerAs(performer).earnings.maturing({});
    expect(maturing.pending).toBe(270n);
    expect(maturing.schedule.map((day) => [day.amount, day.sales])).toEqual([
      [120n, 2],
      [150n, 1],
    ]);
    expect(maturing.schedule[0]?.firstMaturesAt).toEqual(tip.maturesAt);

    await matureDueEarnings({ at: later(2) });
    const afterMaturing = await callerAs(performer).earnings.maturing({});
    expect(afterMaturing).toMatchObject({ pending: 150n, available: 120n });
    expect(afterMaturing.schedule.map((day) => day.amount)).toEqual([150n]);
    expect((await callerAs(performer).earnings.recent({})).at(-1)?.maturedAt).toEqual(expect.any(Date));
    expect((await callerAs(performer).earnings.overview({ granularity: "week" })).totals.net).toBe(270n);
  });

  it("who may read them: a performer their own, an admin anyone's, a member nobody's", async () => {
    const performer = await makePerformer(admin);
    const other = await makePerformer(admin);
    await sell(other, 100n);
    const calls = {
      overview: (user: SessionUser | null, performerId?: string) => () => callerAs(user).earnings.overview({ performerId }),
      recent: (user: SessionUser | null, performerId?: string) => () => callerAs(user).earnings.recent({ performerId }),
      maturing: (user: SessionUser | null, performerId?: string) => () => callerAs(user).earnings.maturing({ performerId }),
    };
    for (const call of Object.values(calls)) {
      expect({
        anonymous: await trpcCodeOf(call(null)),
        member: await trpcCodeOf(call(member)),
        memberNamingPerformer: await trpcCodeOf(call(member, other.id)),
        performerOwn: await trpcCodeOf(call(performer)),
        performerOwnById: await trpcCodeOf(call(performer, performer.id)),
        performerOther: await trpcCodeOf(call(performer, other.id)),
        adminWithoutPerformer: await trpcCodeOf(call(admin)),
        adminNamingMember: await trpcCodeOf(call(admin, member.id)),
        admin: await trpcCodeOf(call(admin, other.id)),
      }).toEqual({
        anonymous: "UNAUTHORIZED",
        member: "FORBIDDEN",
        memberNamingPerformer: "FORBIDDEN",
        performerOwn: "OK",
        performerOwnById: "OK",
        performerOther: "FORBIDDEN",
        adminWithoutPerformer: "BAD_REQUEST",
        adminNamingMember: "NOT_FOUND",
        admin: "OK",
      });
    }
    expect((await callerAs(admin).earnings.overview({ performerId: other.id })).totals.net).toBe(80n);
    expect((await callerAs(performer).earnings.overview({})).totals.net).toBe(0n);
  });
});
