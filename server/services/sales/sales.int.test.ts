import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { isDomainError } from "@/server/domain/errors";
import { adjustmentLegs } from "@/server/domain/ledger";
import type { SaleKind } from "@/server/generated/prisma/enums";
import { walletBalances } from "@/server/ledger/balances";
import { checkInvariants } from "@/server/ledger/invariants";
import { post } from "@/server/ledger/post";
import { fundUser } from "@/server/testing/factories";
import { setCommissionRate } from "./commissions";
import { matureDueEarnings } from "../earnings/earnings";
import { type SaleInput, postSale, refundSale } from "./sales";
import { setSetting } from "../settings/settings";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));

/** postSale and refundSale: the split, the earnings lot and its hold, replays, and clawbacks before and after maturation. */
let admin: SessionUser;
let member: SessionUser;

const DAY_MS = 86_400_000;
function sell(performer: SessionUser | null, amount: bigint, overrides: Partial<SaleInput> = {}) {
  return withTransaction(pool, (db) =>
    postSale(db, {
      kind: "TIP",
      saleKind: "TIP",
      buyerId: member.id,
      performerId: performer?.id ?? null,
      amount,
      idempotencyKey: `test-sale:${randomUUID()}`,
      request: { amount, performerId: performer?.id ?? null },
      description: "Test sale",
      ...overrides,
    }),
  );
}

function refund(saleTransactionId: bigint, idempotencyKey = `test-refund:${randomUUID()}`) {
  return withTransaction(pool, (db) =>
    refundSale(db, { saleTransactionId, idempotencyKey, actorId: admin.id, description: "Test refund" }),
  );
}

async function refusalOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
}

interface LotRow {
  id: string;
  amount: string;
  remaining: string;
  sale_kind: SaleKind;
  hold_days: number;
  matured_at: Date | null;
}

async function lotsOf(transactionId: bigint): Promise<LotRow[]> {
  const { rows } = await pool.query<LotRow>(
    `SELECT l.id, l.amount, l.remaining, l.sale_kind, l.matured_at,
            extract(epoch FROM l.matures_at - t.created_at)::int / 86400 AS hold_days
       FROM earnings_lots l JOIN ledger_transactions t ON t.id = l.transaction_id
      WHERE l.transaction_id = $1`,
    [transactionId.toString()],
  );
  return rows;
}

const later = (days: number) => new Date(Date.now() + days * DAY_MS);

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember();
  for (const kind of ["TIP", "CONTENT", "STORE"] as const) {
    await setCommissionRate(admin.id, { kind, performerShareBps: 8000 });
  }
  await setSetting(admin.id, "earningsHold", { defaultDays: 7, byKind: { TIP: 2, STORE: 14 } });
  await fundUser(pool, member.id, 100_000n);
});

afterEach(async () => {
  expect((await checkInvariants(pool)).filter((result) => !result.passed)).toEqual([]);
});

afterAll(async () => {
  await closeDb();
});

describe("postSale", () => {
  it.each([
    ["TIP", "TIP", 2],
    ["STORE", "STORE_SALE", 14],
    ["CONTENT", "CONTENT_UNLOCK", 7],
  ] as const)("a %s sale (%s) opens a lot held %i days", async (saleKind, kind, days) => {
    const performer = await makePerformer(admin);
    const sale = await sell(performer, 100n, { saleKind, kind });
    expect(sale.split).toEqual({ performer: 80n, platform: 20n, rateBps: 8000 });
    expect(await lotsOf(sale.transactionId)).toEqual([
      { id: expect.any(String), amount: "80", remaining: "80", sale_kind: saleKind, hold_days: days, matured_at: null },
    ]);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 80n, available: 0n });
  });

  it("a site sale (no performer) is all revenue and opens no lot", async () => {
    const sale = await sell(null, 50n, { saleKind: "STORE", kind: "STORE_SALE" });
    expect(sale).toMatchObject({ split: { performer: 0n, platform: 50n, rateBps: 0 }, maturesAt: null });
    expect(await lotsOf(sale.transactionId)).toEqual([]);
  });

  it("a replay returns the first split and lot and opens no second one, even after the rate changed", async () => {
    const performer = await makePerformer(admin);
    const input = { idempotencyKey: `test-sale:${randomUUID()}`, request: { fixed: true } };
    const first = await sell(performer, 101n, input);
    await setCommissionRate(admin.id, { kind: "TIP", performerId: performer.id, performerShareBps: 5000 });
    const replay = await sell(performer, 101n, input);
    expect(replay).toEqual({ ...first, replayed: true });
    expect(await lotsOf(first.transactionId)).toHaveLength(1);
    expect((await walletBalances(pool, performer.id)).pending).toBe(80n);
  });
});

describe("refundSale", () => {
  it("inside the hold takes the share from pending, the sale's own lot first", async () => {
    const performer = await makePerformer(admin);
    const older = await sell(performer, 100n);
    const refunded = await sell(performer, 50n);
    const before = await walletBalances(pool, member.id);

    const result = await refund(refunded.transactionId);
    expect(result).toMatchObject({ replayed: false, fromPending: 40n, fromAvailable: 0n });
    expect((await lotsOf(refunded.transactionId))[0]).toMatchObject({ remaining: "0" });
    expect((await lotsOf(older.transactionId))[0]).toMatchObject({ remaining: "80" });
    expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 80n, available: 0n, restricted: false });
    expect((await walletBalances(pool, member.id)).available).toBe(before.available + 50n);
  });

  it("after maturation takes the share from the Earnings wallet, which may go negative and restricted", async () => {
    const performer = await makePerformer(admin);
    const sale = await sell(performer, 100n);
    await matureDueEarnings({ at: later(3) });
    expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 0n, earnings: 80n });
    // The performer already spent most of it.
    await post(pool, {
      kind: "ADJUSTMENT",
      idempotencyKey: `test-spend:${randomUUID()}`,
      actorId: null,
      description: "Test spending",
      legs: adjustmentLegs(performer.id, "earnings", -70n),
    });

    const result = await refund(sale.transactionId);
    expect(result).toMatchObject({ fromPending: 0n, fromAvailable: 80n });
    expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 0n, earnings: -70n, restricted: true });
  });

  it("after maturation takes from other pending lots before the Earnings wallet", async () => {
    const performer = await makePerformer(admin);
    const matured = await sell(performer, 100n);
    await matureDueEarnings({ at: later(3) });
    const stillPending = await sell(performer, 25n);

    const result = await refund(matured.transactionId);
    expect(result).toMatchObject({ fromPending: 20n, fromAvailable: 60n });
    expect((await lotsOf(stillPending.transactionId))[0]).toMatchObject({ remaining: "0" });
    expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 0n, earnings: 20n, restricted: false });
  });

  it("refunds a sale once: another key is a conflict, the same key returns the first refund", async () => {
    const performer = await makePerformer(admin);
    const sale = await sell(performer, 100n);
    const key = `test-refund:${randomUUID()}`;
    const first = await refund(sale.transactionId, key);
    expect(await refusalOf(() => refund(sale.transactionId))).toBe("CONFLICT");
    expect(await refund(sale.transactionId, key)).toEqual({ ...first, replayed: true });
    const { rows } = await pool.query("SELECT id FROM ledger_transactions WHERE reverses_id = $1", [sale.transactionId.toString()]);
    expect(rows).toHaveLength(1);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ pending: 0n, available: 0n });
  });
});
