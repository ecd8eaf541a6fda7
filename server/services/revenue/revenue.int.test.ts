import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SALE_KIND_LABELS } from "@/components/sales/sale-kind";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { callerAs, expectLedgerInvariantsHold, refusalCodeOf } from "@/server/testing/api";
import { parseCsv } from "@/server/testing/csv";
import { fundUser, insertPaidPurchase } from "@/server/testing/factories";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { earningsOverview } from "../earnings/earnings";
import { restoreWonDispute, takeBackDisputed } from "../purchases/disputes";
import { setRoomOnline } from "../rooms";
import { postSale, refundSale } from "../sales/sales";
import { getSetting, setSetting } from "../settings/settings";
import { endShow, heartbeat, requestPrivateShow, respondToRequest, runShowSweep } from "../shows";
import { exportRevenue, revenueSales, revenueSummary } from "./revenue";

vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));
vi.mock("@/server/integrations/email", () => ({ sendEmail: vi.fn(async () => {}) }));

/**
 * The business revenue report on real PostgreSQL: sales of several kinds with their split, a refund, a show's
 * partial charges as one sale, a card dispute taken back and given back, totals by UTC day and month that equal
 * the earnings dashboard's, paging, the CSV, and who may read it.
 */
let admin: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
  await setSetting(admin.id, "shows", { ...(await getSetting(pool, "shows")), settleThreshold: 100n });
  for (const [kind, performerShareBps] of [["PRIVATE_SHOW", 7000], ["TIP", 8000], ["CONTENT", 7500]] as const) {
    await callerAs(admin).commissions.set({ kind, performerShareBps });
  }
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

async function fundedMember(credits: bigint): Promise<SessionUser> {
  const member = await makeMember("revenue");
  await fundUser(pool, member.id, credits);
  return member;
}

async function onlinePerformer(stageName: string): Promise<SessionUser> {
  const performer = await makePerformer(admin, stageName);
  await setRoomOnline(performer, { online: true });
  return performer;
}

async function tip(member: SessionUser, performer: SessionUser, amount: bigint): Promise<void> {
  await callerAs(member).tips.send({ performerId: performer.id, amount, idempotencyKey: randomUUID() });
}

function contentSale(member: SessionUser, performer: SessionUser, amount: bigint) {
  return withTransaction(pool, (db) =>
    postSale(db, {
      kind: "CONTENT_UNLOCK",
      saleKind: "CONTENT",
      buyerId: member.id,
      performerId: performer.id,
      amount,
      idempotencyKey: `test-content:${randomUUID()}`,
      request: { amount },
      description: "Unlocked: Studio set",
    }),
  );
}

/** A private show of 150 metered seconds at the default price, settled in partial charges of at most 100 credits. */
async function privateShow(member: SessionUser, performer: SessionUser): Promise<string> {
  const { rows } = await pool.query<{ now: Date }>("SELECT now() AS now");
  const start = (rows[0]?.now ?? new Date()).getTime();
  const at = (seconds: number) => ({ at: new Date(start + seconds * 1000) });
  const requested = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() }, at(0));
  const { showId } = await respondToRequest(performer, { showId: requested.showId, accept: true }, at(0));
  for (let second = 15; second <= 150; second += 15) {
    for (const side of [member, performer]) await heartbeat(side, { showId }, at(second));
    await runShowSweep(at(second));
  }
  await endShow(member, { showId }, at(151));
  return showId;
}

const all = { period: "all" as const, limit: 25 };

describe("a performer's business revenue", () => {
  it("lists each sale with gross, platform fee and net, a refund as such, a show's charges as one sale; totals match the earnings", async () => {
    const performer = await onlinePerformer("Revenue Star");
    const member = await fundedMember(2_000n);
    const other = await fundedMember(500n);
    await tip(member, performer, 100n);
    await contentSale(other, performer, 200n);
    const refunded = await withTransaction(pool, (db) =>
      postSale(db, {
        kind: "TIP",
        saleKind: "TIP",
        buyerId: other.id,
        performerId: performer.id,
        amount: 50n,
        idempotencyKey: `test-tip:${randomUUID()}`,
        request: {},
        description: "Tip",
      }),
    );
    await withTransaction(pool, (db) =>
      refundSale(db, { saleTransactionId: refunded.transactionId, idempotencyKey: `test-refund:${randomUUID()}`, actorId: admin.id, description: "Refund" }),
    );
    const showId = await privateShow(member, performer);
    // Another performer's sale to the same buyer is not this performer's revenue.
    await tip(member, await onlinePerformer("Someone Else"), 70n);

    const { sales, nextCursor } = await revenueSales(performer.id, all);
    expect(nextCursor).toBeNull();
    expect(sales.map((sale) => [sale.saleKind, sale.buyer, sale.charges, sale.gross, sale.platformFee, sale.net, sale.refunded, sale.refundedGross])).toEqual([
      ["PRIVATE_SHOW", member.displayName, expect.any(Number), 180n, 54n, 126n, 0n, 0n],
      ["TIP", other.displayName, 1, 50n, 10n, 40n, 40n, 50n],
      ["CONTENT", other.displayName, 1, 200n, 50n, 150n, 0n, 0n],
      ["TIP", member.displayName, 1, 100n, 20n, 80n, 0n, 0n],
    ]);
    expect(sales[0]).toMatchObject({ key: `show:${showId}`, kind: "SHOW_CHARGE", processorFee: { state: "none" } });
    expect(sales[0]?.charges).toBeGreaterThan(1);
    expect(sales[2]).toMatchObject({ description: "Unlocked: Studio set", kind: "CONTENT_UNLOCK" });

    const summary = await revenueSummary(performer.id, { period: "all" });
    expect(summary.totals).toEqual({
      sales: 4,
      gross: 530n,
      platformFee: 134n,
      net: 396n,
      takenBack: 40n,
      netAfter: 356n,
      processorFees: {},
    });
    expect(summary.days).toHaveLength(1);
    expect(summary.months).toHaveLength(1);
    expect(summary.days[0]).toMatchObject({ sales: 4, gross: 530n, net: 396n, takenBack: 40n });
    expect(summary.months[0]?.start.getUTCDate()).toBe(1);
    const earnings = await earningsOverview(performer.id, "month");
    expect(earnings.totals.net).toBe(summary.totals.netAfter);
    expect(earnings.totals).toMatchObject({ earned: summary.totals.net, refunded: summary.totals.takenBack, sales: 4 });

    const tips = await revenueSummary(performer.id, { period: "30d", saleKind: "TIP" });
    expect(tips.totals).toMatchObject({ sales: 2, gross: 150n, net: 120n, takenBack: 40n, netAfter: 80n });
    expect((await revenueSales(performer.id, { ...all, saleKind: "TIP" })).sales.map((sale) => sale.gross)).toEqual([50n, 100n]);
    expect((await revenueSummary(performer.id, { period: "last-month" })).totals.sales).toBe(0);

    const first = await revenueSales(performer.id, { ...all, limit: 3 });
    expect(first.sales).toHaveLength(3);
    const second = await revenueSales(performer.id, { ...all, limit: 3, cursor: first.nextCursor });
    expect(second).toMatchObject({ nextCursor: null });
    expect([...first.sales, ...second.sales].map((sale) => sale.key)).toEqual(sales.map((sale) => sale.key));

    const csv = parseCsv(await exportRevenue(performer.id, { period: "all" }, (kind) => SALE_KIND_LABELS[kind]));
    expect(csv[0]?.[0]).toBe("\uFEFFDate (UTC)");
    expect(csv.slice(1).map((row) => row.slice(1))).toEqual([
      ["Private show with Revenue Star", "Private shows", member.displayName, String(sales[0]?.charges), "180", "54", "126", "0", "126", "", "", "", ""],
      ["Tip", "Tips", other.displayName, "1", "50", "10", "40", "40", "0", "Refunded", "", "", ""],
      ["Unlocked: Studio set", "Content", other.displayName, "1", "200", "50", "150", "0", "150", "", "", "", ""],
      [expect.any(String), "Tips", member.displayName, "1", "100", "20", "80", "0", "80", "", "", "", ""],
    ]);
  });

  it("a card dispute takes a sale's pending share back and shows it disputed; a won dispute gives it back", async () => {
    const performer = await onlinePerformer("Disputed Star");
    const member = await makeMember("disputer");
    const purchaseId = await insertPaidPurchase(pool, member.id, 300n);
    const { rows } = await pool.query<{ id: string }>("SELECT id FROM ledger_transactions WHERE idempotency_key = $1", [`purchase:${purchaseId}:credit`]);
    const purchase = { id: purchaseId, userId: member.id, creditedTransactionId: BigInt(rows[0]?.id ?? 0) };
    await tip(member, performer, 300n);

    await withTransaction(pool, (db) => takeBackDisputed(db, purchase, { id: "dp_revenue", credits: 300n }));
    const [disputed] = (await revenueSales(performer.id, all)).sales;
    expect(disputed).toMatchObject({ gross: 300n, net: 240n, disputedGross: 300n, disputed: 240n, refunded: 0n });
    const summary = await revenueSummary(performer.id, { period: "all" });
    expect(summary.totals).toMatchObject({ sales: 1, gross: 300n, net: 240n, takenBack: 240n, netAfter: 0n });
    expect((await earningsOverview(performer.id, "day")).totals.net).toBe(0n);

    await withTransaction(pool, (db) => restoreWonDispute(db, purchase, "dp_revenue"));
    expect((await revenueSales(performer.id, all)).sales[0]).toMatchObject({ disputedGross: 0n, disputed: 0n });
    expect((await revenueSummary(performer.id, { period: "all" })).totals).toMatchObject({ takenBack: 0n, netAfter: 240n });
  });

  it("a performer reads only their own, an admin any performer's, a member nobody's", async () => {
    const performer = await makePerformer(admin, "Own Revenue");
    const other = await makePerformer(admin, "Other Revenue");
    const member = await makeMember("nosy");
    const summary = (user: SessionUser, performerId?: string) => () => callerAs(user).revenue.summary({ performerId });
    const sales = (user: SessionUser, performerId?: string) => () => callerAs(user).revenue.sales({ performerId });

    expect(await refusalCodeOf(summary(performer))).toBe("OK");
    expect(await refusalCodeOf(sales(performer, performer.id))).toBe("OK");
    expect(await refusalCodeOf(summary(performer, other.id))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(sales(performer, other.id))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(summary(member))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(sales(member, performer.id))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(summary(admin, performer.id))).toBe("OK");
    expect(await refusalCodeOf(sales(admin))).toBe("BAD_REQUEST");
    expect(await refusalCodeOf(sales(admin, member.id))).toBe("NOT_FOUND");
  });
});
