import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { historyGroupKey } from "@/server/domain/history";
import { CREDITS, systemAccount, userAccount, walletAccount } from "@/server/domain/ledger";
import type { TransactionKind } from "@/server/generated/prisma/enums";
import { historyGroupKeySql } from "@/server/ledger/history-groups";
import { post } from "@/server/ledger/post";
import { callerAs, expectLedgerInvariantsHold } from "@/server/testing/api";
import { fundUser } from "@/server/testing/factories";
import { earningsOverview } from "../earnings/earnings";
import { configurePayouts, readyToWithdraw } from "@/server/testing/payouts";
import { setRoomOnline } from "../rooms";
import { postSale } from "../sales/sales";
import { getSetting, setSetting } from "../settings/settings";
import { endShow, heartbeat, joinGroupShow, requestPrivateShow, respondToRequest, runShowSweep, startGroupShow } from "../shows";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { planWalletMove, postWalletMove } from "./moves";
import { type HistoryLine, historyOf } from "./wallet";

vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));
vi.mock("@/server/integrations/email", () => ({ sendEmail: vi.fn(async () => {}) }));

/**
 * The wallet history groups a user's ledger entries by the thing they belong to (server/domain/history.ts), in
 * SQL, on real PostgreSQL: a wallet-and-card store order, a show's hold, charges and release, a withdrawal, and
 * pages that never split or repeat a line. Also the performer's sales count, which counts a show once.
 */
let admin: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
  await configurePayouts(admin);
  await setSetting(admin.id, "shows", { ...(await getSetting(pool, "shows")), settleThreshold: 100n });
  for (const [kind, performerShareBps] of [["PRIVATE_SHOW", 7000], ["GROUP_SHOW", 6000], ["TIP", 8000], ["STORE", 8000]] as const) {
    await callerAs(admin).commissions.set({ kind, performerShareBps });
  }
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

async function fundedMember(credits: bigint): Promise<SessionUser> {
  const member = await makeMember("history");
  await fundUser(pool, member.id, credits);
  return member;
}

/** The postings of a wallet-and-card store order, keyed as server/services/store/checkout.ts keys them. */
async function holdForCardCheckout(orderId: string, buyer: SessionUser, walletPart: bigint): Promise<void> {
  await post(pool, {
    kind: "STORE_HOLD",
    idempotencyKey: `store-order:${orderId}:hold`,
    actorId: buyer.id,
    description: "Held for card checkout: Signed photo",
    metadata: { orderId },
    legs: [
      { account: userAccount(buyer.id, "available"), amount: -walletPart },
      { account: userAccount(buyer.id, "held"), amount: walletPart },
    ],
  });
}

async function completeCardCheckout(orderId: string, buyer: SessionUser, seller: SessionUser, walletPart: bigint, cardPart: bigint): Promise<void> {
  await withTransaction(pool, (db) =>
    postSale(db, {
      kind: "STORE_SALE",
      saleKind: "STORE",
      buyerId: buyer.id,
      performerId: seller.id,
      amount: walletPart + cardPart,
      idempotencyKey: `store-order:${orderId}:sale`,
      request: { orderId },
      description: "Store: Signed photo",
      metadata: { orderId },
      sources: [
        { account: userAccount(buyer.id, "held"), amount: -walletPart },
        { account: systemAccount("gateway_clearing"), amount: -cardPart },
      ],
    }),
  );
}

async function tip(member: SessionUser, performer: SessionUser, amount: bigint): Promise<void> {
  await callerAs(member).tips.send({ performerId: performer.id, amount, idempotencyKey: randomUUID() });
}

async function clockAt(): Promise<(seconds: number) => { at: Date }> {
  const { rows } = await pool.query<{ now: Date }>("SELECT now() AS now");
  const start = (rows[0]?.now ?? new Date()).getTime();
  return (seconds) => ({ at: new Date(start + seconds * 1000) });
}

/** Both sides keep their pages open from `from` to `to`, the sweep running every 15 s as the job would. */
async function stayLive(at: (seconds: number) => { at: Date }, showId: string, present: readonly SessionUser[], from: number, to: number): Promise<void> {
  for (let second = from + 15; second <= to; second += 15) {
    for (const side of present) await heartbeat(side, { showId }, at(second));
    await runShowSweep(at(second));
  }
}

async function onlinePerformer(stageName: string): Promise<SessionUser> {
  const performer = await makePerformer(admin, stageName);
  await setRoomOnline(performer, { online: true });
  return performer;
}

function partsOf(line: HistoryLine | undefined): [TransactionKind, string, bigint][] {
  return (line?.parts ?? []).map((part) => [part.kind, part.account, part.amount]);
}

describe("a wallet-and-card store order", () => {
  it("is one line on hold while the card is unpaid, then one line of three parts costing the wallet part", async () => {
    const seller = await onlinePerformer("Store Seller");
    const member = await fundedMember(500n);
    const orderId = randomUUID();

    await holdForCardCheckout(orderId, member, 60n);
    const waiting = await historyOf(member.id, { limit: 10 });
    expect(waiting.lines[0]).toMatchObject({ key: `store-order:${orderId}`, kind: "STORE_HOLD", amount: 0n, held: 60n, state: "on_hold" });

    await completeCardCheckout(orderId, member, seller, 60n, 100n);
    const { lines } = await historyOf(member.id, { limit: 10 });
    expect(lines.map((line) => line.key)).toEqual([`store-order:${orderId}`, expect.stringMatching(/^transaction:/)]);
    expect(lines[0]).toMatchObject({ kind: "STORE_SALE", description: "Store: Signed photo", counterparty: seller.displayName, amount: -60n, held: 0n, state: null });
    expect(partsOf(lines[0])).toEqual([
      ["STORE_HOLD", "AVAILABLE", -60n],
      ["STORE_HOLD", "HELD", 60n],
      ["STORE_SALE", "HELD", -60n],
    ]);

    const storeHolds = await historyOf(member.id, { kind: "STORE_HOLD", limit: 10 });
    expect(storeHolds.lines.map((line) => [line.key, line.parts.length])).toEqual([[`store-order:${orderId}`, 3]]);
  });
});

describe("a show", () => {
  it("is one line for the member (hold and partial charges) and the performer, and one sale", async () => {
    const at = await clockAt();
    const performer = await onlinePerformer("Aria Stage");
    const member = await fundedMember(1_000n);
    const requested = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() }, at(0));
    const { showId } = await respondToRequest(performer, { showId: requested.showId, accept: true }, at(0));
    await stayLive(at, showId, [member, performer], 0, 150);
    await endShow(member, { showId }, at(151));

    const { lines } = await historyOf(member.id, { limit: 10 });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ key: `show:${showId}`, kind: "SHOW_CHARGE", description: "Private show with Aria Stage", counterparty: performer.displayName, amount: -180n, held: 0n, state: null });
    // The hold taken at the start, its top-ups a minute ahead of the meter, the charges taken from it and the
    // unused rest returned: 180 spent in all, nothing left held.
    const parts = partsOf(lines[0]);
    expect(parts.slice(0, 2)).toEqual([
      ["SHOW_HOLD", "AVAILABLE", -60n],
      ["SHOW_HOLD", "HELD", 60n],
    ]);
    const net = (account: string) => parts.filter(([, type]) => type === account).reduce((sum, [, , amount]) => sum + amount, 0n);
    expect([net("AVAILABLE"), net("HELD")]).toEqual([-180n, 0n]);
    // A charge's member legs sum to what it charged: a top-up folded into it only moves credits from available to held.
    expect(parts.filter(([kind, type]) => kind === "SHOW_CHARGE" && (type === "HELD" || type === "AVAILABLE")).reduce((sum, [, , amount]) => sum + amount, 0n)).toBe(-180n);

    const performerHistory = await historyOf(performer.id, { limit: 10 });
    expect(performerHistory.lines).toEqual([
      expect.objectContaining({ key: `show:${showId}`, amount: 126n, account: "PENDING", counterparty: member.displayName }),
    ]);
    expect(performerHistory.lines[0]?.parts).toHaveLength(2);

    const overview = await earningsOverview(performer.id, "day");
    expect(overview.totals).toMatchObject({ earned: 126n, sales: 1 });
    expect(overview.byKind).toEqual([{ saleKind: "PRIVATE_SHOW", net: 126n, sales: 1 }]);
    expect(overview.topSupporters).toEqual([expect.objectContaining({ userId: member.id, net: 126n, sales: 1 })]);
  });

  it("left before its meter ran is one released line: the hold and its return", async () => {
    const at = await clockAt();
    const performer = await onlinePerformer("Group Star");
    const member = await fundedMember(200n);
    const { showId } = await startGroupShow(performer, { minMembers: 2 }, at(0));
    await joinGroupShow(member, { showId, idempotencyKey: randomUUID() }, at(0));
    await endShow(member, { showId }, at(10));

    const { lines } = await historyOf(member.id, { limit: 10 });
    expect(lines[0]).toMatchObject({ key: `show:${showId}`, kind: "SHOW_HOLD", amount: 0n, held: 0n, state: "released" });
    expect(partsOf(lines[0])).toEqual([
      ["SHOW_HOLD", "AVAILABLE", -20n],
      ["SHOW_HOLD", "HELD", 20n],
      ["SHOW_HOLD", "HELD", -20n],
      ["SHOW_HOLD", "AVAILABLE", 20n],
    ]);
  });
});

describe("pages", () => {
  it("never split or repeat a line, even when a line's parts interleave with other lines", async () => {
    const seller = await onlinePerformer("Page Seller");
    const member = await fundedMember(1_000n);
    const orderId = randomUUID();
    await holdForCardCheckout(orderId, member, 40n);
    await tip(member, seller, 5n);
    await tip(member, seller, 6n);
    await completeCardCheckout(orderId, member, seller, 40n, 10n);
    await tip(member, seller, 7n);

    const whole = await historyOf(member.id, { limit: 100 });
    expect(whole.nextCursor).toBeNull();
    expect(whole.lines.map((line) => [line.kind, line.amount])).toEqual([
      ["TIP", -7n],
      ["TIP", -6n],
      ["TIP", -5n],
      ["STORE_SALE", -40n],
      ["ADJUSTMENT", 1_000n],
    ]);

    for (const limit of [1, 2, 3]) {
      const paged: HistoryLine[] = [];
      let cursor: bigint | undefined;
      do {
        const page = await historyOf(member.id, { limit, cursor });
        expect(page.lines.length).toBeLessThanOrEqual(limit);
        paged.push(...page.lines);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(paged).toEqual(whole.lines);
    }
  });

  it("filter lines by the day they started", async () => {
    const member = await fundedMember(100n);
    const { rows } = await pool.query<{ now: Date }>("SELECT now() AS now");
    const now = rows[0]?.now ?? new Date();
    expect((await historyOf(member.id, { from: new Date(now.getTime() - 60_000), limit: 10 })).lines).toHaveLength(1);
    expect((await historyOf(member.id, { to: new Date(now.getTime() - 60_000), limit: 10 })).lines).toHaveLength(0);
  });
});

describe("a withdrawal", () => {
  it("is one line: on hold while requested, released when cancelled", async () => {
    const performer = await makePerformer(admin, "Payee");
    await readyToWithdraw(performer);
    await fundUser(pool, performer.id, 1_000n, "earnings");
    const { withdrawal } = await callerAs(performer).payouts.withdrawals.request({ credits: 400n, idempotencyKey: randomUUID() });

    const requested = await historyOf(performer.id, { limit: 10 });
    expect(requested.lines[0]).toMatchObject({ key: `withdrawal:${withdrawal.id}`, kind: "WITHDRAWAL_HOLD", amount: 0n, held: 400n, state: "on_hold" });

    await callerAs(performer).payouts.withdrawals.cancel({ id: withdrawal.id });
    const cancelled = await historyOf(performer.id, { limit: 10 });
    expect(cancelled.lines[0]).toMatchObject({ key: `withdrawal:${withdrawal.id}`, amount: 0n, held: 0n, state: "released" });
    expect(cancelled.lines[0]?.parts).toHaveLength(4);
  });
});

describe("one wallet's history", () => {
  async function exchange(member: SessionUser, from: string, to: string, amount: bigint): Promise<void> {
    const plan = await planWalletMove(pool, member.id, { fromWalletTypeId: from, toWalletTypeId: to, amount });
    await postWalletMove(pool, plan, { kind: "EXCHANGE", idempotencyKey: `test-exchange:${randomUUID()}`, description: "Exchange", metadata: {} });
  }

  async function fundBonus(member: SessionUser, credits: bigint): Promise<void> {
    await post(pool, {
      kind: "ADJUSTMENT",
      idempotencyKey: `test-bonus:${randomUUID()}`,
      actorId: null,
      description: "Welcome bonus",
      legs: [
        { account: walletAccount(member.id, { accountKind: "bonus", currency: CREDITS }), amount: credits },
        { account: systemAccount("adjustments"), amount: -credits },
      ],
    });
  }

  function accountsOf(lines: readonly HistoryLine[]): Set<string> {
    return new Set(lines.flatMap((line) => line.parts.map((part) => part.account)));
  }

  async function allPages(userId: string, filter: Omit<Parameters<typeof historyOf>[1], "limit" | "cursor">, limit: number): Promise<HistoryLine[]> {
    const lines: HistoryLine[] = [];
    let cursor: bigint | undefined;
    do {
      const page = await historyOf(userId, { ...filter, limit, cursor });
      expect(page.lines.length).toBeLessThanOrEqual(limit);
      lines.push(...page.lines);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return lines;
  }

  it("shows only that wallet's entries (Credits with its holds), and its filters and pages stay exact", async () => {
    const at = await clockAt();
    const performer = await onlinePerformer("Wallet Star");
    const member = await fundedMember(1_000n);
    await fundBonus(member, 50n);
    await tip(member, performer, 10n);
    await exchange(member, "credits", "usd", 500n);
    await tip(member, performer, 20n);
    const { showId } = await startGroupShow(performer, { minMembers: 2 }, at(0));
    await joinGroupShow(member, { showId, idempotencyKey: randomUUID() }, at(0));
    await endShow(member, { showId }, at(10));

    const credits = await historyOf(member.id, { walletTypeId: "credits", limit: 100 });
    expect(credits.lines.map((line) => [line.kind, line.amount])).toEqual([
      ["SHOW_HOLD", 0n],
      ["TIP", -20n],
      ["EXCHANGE", -500n],
      ["TIP", -10n],
      ["ADJUSTMENT", 1_000n],
    ]);
    expect(accountsOf(credits.lines)).toEqual(new Set(["AVAILABLE", "HELD"]));
    // 500 credits less a 2% fee at 0.09 USD a credit: 10 credits for the fee, 490 x 0.09 = $44.10.
    const usd = await historyOf(member.id, { walletTypeId: "usd", limit: 100 });
    expect(usd.lines).toEqual([expect.objectContaining({ kind: "EXCHANGE", amount: 4_410n })]);
    expect(usd.lines[0]?.parts).toHaveLength(1);
    expect(accountsOf(usd.lines)).toEqual(new Set(["WALLET"]));
    const bonus = await historyOf(member.id, { walletTypeId: "bonus", limit: 100 });
    expect(bonus.lines).toEqual([expect.objectContaining({ kind: "ADJUSTMENT", amount: 50n, description: "Welcome bonus" })]);
    // Every wallet's lines together are the whole history, each thing once per wallet it touched.
    const whole = await historyOf(member.id, { limit: 100 });
    expect(whole.lines).toHaveLength(6);

    expect((await historyOf(member.id, { walletTypeId: "credits", kind: "TIP", limit: 100 })).lines.map((line) => line.amount)).toEqual([-20n, -10n]);
    expect((await historyOf(member.id, { walletTypeId: "usd", kind: "TIP", limit: 100 })).lines).toEqual([]);
    const { rows } = await pool.query<{ now: Date }>("SELECT now() AS now");
    const now = rows[0]?.now ?? new Date();
    expect((await historyOf(member.id, { walletTypeId: "bonus", from: new Date(now.getTime() - 60_000), limit: 10 })).lines).toHaveLength(1);
    expect((await historyOf(member.id, { walletTypeId: "bonus", to: new Date(now.getTime() - 60_000), limit: 10 })).lines).toHaveLength(0);
    for (const limit of [1, 2, 3]) {
      expect(await allPages(member.id, { walletTypeId: "credits" }, limit)).toEqual(credits.lines);
      expect(await allPages(member.id, { walletTypeId: "credits", kind: "TIP" }, limit)).toEqual(credits.lines.filter((line) => line.kind === "TIP"));
    }
  });

  it("gives a performer's Earnings its pending sales and its withdrawals with their holds, and keeps them off Credits", async () => {
    const performer = await onlinePerformer("Earning Star");
    await readyToWithdraw(performer);
    const member = await fundedMember(100n);
    await tip(member, performer, 30n);
    await fundUser(pool, performer.id, 500n, "earnings");
    await fundUser(pool, performer.id, 70n);
    const { withdrawal } = await callerAs(performer).payouts.withdrawals.request({ credits: 400n, idempotencyKey: randomUUID() });

    const earnings = await historyOf(performer.id, { walletTypeId: "earnings", limit: 10 });
    expect(earnings.lines.map((line) => [line.key.split(":")[0], line.kind, line.account])).toEqual([
      ["withdrawal", "WITHDRAWAL_HOLD", "EARNINGS"],
      ["transaction", "ADJUSTMENT", "EARNINGS"],
      ["transaction", "TIP", "PENDING"],
    ]);
    expect(earnings.lines[0]).toMatchObject({ key: `withdrawal:${withdrawal.id}`, held: 400n, state: "on_hold" });
    expect(accountsOf(earnings.lines)).toEqual(new Set(["EARNINGS", "HELD", "PENDING"]));
    const credits = await historyOf(performer.id, { walletTypeId: "credits", limit: 10 });
    expect(credits.lines).toEqual([expect.objectContaining({ kind: "ADJUSTMENT", amount: 70n })]);
    expect(accountsOf(credits.lines)).toEqual(new Set(["AVAILABLE"]));
  });

  it("reads only the caller's own wallets, and refuses a wallet they do not have", async () => {
    const member = await fundedMember(40n);
    const other = await fundedMember(900n);
    await fundBonus(other, 25n);
    const performer = await makePerformer(admin, "Own Star");
    await fundUser(pool, performer.id, 15n, "earnings");

    const mine = await callerAs(member).wallet.wallets();
    expect(mine.map((wallet) => [wallet.id, wallet.balance])).toEqual([
      ["credits", 40n],
      ["bonus", 0n],
      ["usd", 0n],
    ]);
    expect(mine[0]?.uses).toContain("Can be sent to other members.");
    expect((await callerAs(performer).wallet.wallets()).map((wallet) => [wallet.id, wallet.balance])).toEqual([
      ["credits", 0n],
      ["earnings", 15n],
      ["bonus", 0n],
      ["usd", 0n],
    ]);
    expect((await callerAs(member).wallet.history({ wallet: "bonus" })).lines).toEqual([]);
    expect((await callerAs(member).wallet.history({ wallet: "credits" })).lines).toEqual([expect.objectContaining({ amount: 40n })]);
    await expect(callerAs(member).wallet.history({ wallet: "mxn" })).rejects.toMatchObject({ code: "NOT_FOUND", message: "You have no such wallet." });
    await expect(callerAs(member).wallet.history({ wallet: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(callerAs(null).wallet.wallets()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

it("the SQL grouping agrees with historyGroupKey on every posting made here", async () => {
  const { rows } = await pool.query<{
    id: string;
    kind: TransactionKind;
    idempotency_key: string;
    metadata: unknown;
    withdrawal_id: string | null;
    reversed_id: string | null;
    reversed_kind: TransactionKind | null;
    reversed_key: string | null;
    reversed_metadata: unknown;
    reversed_withdrawal_id: string | null;
    sql_key: string;
  }>(
    `SELECT t.id, t.kind, t.idempotency_key, t.metadata,
            (SELECT w.id FROM withdrawals w WHERE w.hold_transaction_id = t.id) AS withdrawal_id,
            r.id AS reversed_id, r.kind AS reversed_kind, r.idempotency_key AS reversed_key, r.metadata AS reversed_metadata,
            (SELECT w.id FROM withdrawals w WHERE w.hold_transaction_id = r.id) AS reversed_withdrawal_id,
            ${historyGroupKeySql("t", "r")} AS sql_key
       FROM ledger_transactions t LEFT JOIN ledger_transactions r ON r.id = t.reverses_id`,
  );
  expect(new Set(rows.map((row) => row.kind))).toEqual(
    new Set(["ADJUSTMENT", "TIP", "STORE_HOLD", "STORE_SALE", "SHOW_HOLD", "SHOW_CHARGE", "WITHDRAWAL_HOLD", "REVERSAL", "EXCHANGE"]),
  );
  const disagreements = rows.flatMap((row) => {
    const reversed =
      row.reversed_id && row.reversed_kind && row.reversed_key
        ? { id: BigInt(row.reversed_id), kind: row.reversed_kind, idempotencyKey: row.reversed_key, metadata: row.reversed_metadata, withdrawalId: row.reversed_withdrawal_id }
        : null;
    const key = historyGroupKey({ id: BigInt(row.id), kind: row.kind, idempotencyKey: row.idempotency_key, metadata: row.metadata, withdrawalId: row.withdrawal_id }, reversed);
    return key === row.sql_key ? [] : [{ id: row.id, key: row.idempotency_key, sql: row.sql_key, ts: key }];
  });
  expect(disagreements).toEqual([]);
});
