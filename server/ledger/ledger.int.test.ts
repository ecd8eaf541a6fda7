import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { closeDb, pool } from "@/server/db/client";
import { splitSale } from "@/server/domain/commission";
import { DomainError } from "@/server/domain/errors";
import { adjustmentLegs, clawbackLegs, saleLegs, systemAccount, userAccount } from "@/server/domain/ledger";
import { fundUser, insertPaidPurchase, insertUser } from "@/server/testing/factories";
import { foldHotAccounts, walletBalances } from "./balances";
import { foldEveryHotAccount } from "@/server/jobs/ledger-fold";
import { checkInvariants } from "./invariants";
import { post, reverse } from "./post";

async function expectInvariantsHold() {
  const results = await checkInvariants(pool);
  expect(results.filter((r) => !r.passed)).toEqual([]);
  return results;
}

async function transactionCount(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM ledger_transactions");
  return Number(rows[0]?.n);
}

function tip(memberId: string, performerId: string, amount: bigint, key = randomUUID()) {
  return post(pool, {
    kind: "TIP",
    idempotencyKey: key,
    actorId: memberId,
    description: "Tip",
    request: { memberId, performerId, amount },
    legs: saleLegs(memberId, performerId, splitSale(amount, 7000)),
  });
}

async function settledOutcome<T>(promise: Promise<T>): Promise<T | DomainError> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

afterAll(async () => {
  await closeDb();
});

describe("ledger_post", () => {
  let member: string;
  let performer: string;

  beforeAll(async () => {
    member = await insertUser(pool, "MEMBER");
    performer = await insertUser(pool, "PERFORMER");
  });

  it("opens pending, held and one wallet per active wallet type for every new user", async () => {
    const { rows } = await pool.query(
      "SELECT code, type, wallet_type_id, guarded, hot FROM ledger_accounts WHERE owner_id = $1 ORDER BY type, code",
      [member],
    );
    expect(rows).toEqual([
      { code: `user:${member}:available:CRD`, type: "AVAILABLE", wallet_type_id: "credits", guarded: true, hot: false },
      { code: `user:${member}:pending:CRD`, type: "PENDING", wallet_type_id: null, guarded: true, hot: true },
      { code: `user:${member}:held:CRD`, type: "HELD", wallet_type_id: null, guarded: true, hot: false },
      { code: `user:${member}:earnings:CRD`, type: "EARNINGS", wallet_type_id: "earnings", guarded: true, hot: false },
      { code: `user:${member}:bonus:CRD`, type: "WALLET", wallet_type_id: "bonus", guarded: true, hot: false },
      { code: `user:${member}:tab:CRD`, type: "WALLET", wallet_type_id: "tab", guarded: true, hot: false },
      { code: `user:${member}:usd:USD`, type: "WALLET", wallet_type_id: "usd", guarded: true, hot: false },
    ]);
  });

  it("64 concurrent spends from one wallet never overdraw it and leave the exact balance", async () => {
    const spender = await insertUser(pool, "MEMBER");
    await fundUser(pool, spender, 1000n);
    const outcomes = await Promise.all(Array.from({ length: 64 }, () => settledOutcome(tip(spender, performer, 25n))));
    const succeeded = outcomes.filter((o) => !(o instanceof DomainError));
    const refused = outcomes.filter((o): o is DomainError => o instanceof DomainError);
    expect(succeeded).toHaveLength(40);
    expect(refused).toHaveLength(24);
    expect(new Set(refused.map((e) => e.code))).toEqual(new Set(["INSUFFICIENT_FUNDS"]));
    expect((await walletBalances(pool, spender)).available).toBe(0n);
    await expectInvariantsHold();
  });

  it("20 concurrent retries with one idempotency key post once and all return that posting", async () => {
    const payer = await insertUser(pool, "MEMBER");
    await fundUser(pool, payer, 100n);
    const key = randomUUID();
    const before = await transactionCount();
    const results = await Promise.all(Array.from({ length: 20 }, () => tip(payer, performer, 10n, key)));
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await transactionCount()).toBe(before + 1);
    expect((await walletBalances(pool, payer)).available).toBe(90n);
  });

  it("the same key with a different request is a conflict and posts nothing", async () => {
    const payer = await insertUser(pool, "MEMBER");
    await fundUser(pool, payer, 100n);
    const key = randomUUID();
    await tip(payer, performer, 10n, key);
    const before = await transactionCount();
    await expect(tip(payer, performer, 11n, key)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await transactionCount()).toBe(before);
    expect((await walletBalances(pool, payer)).available).toBe(90n);
  });

  it("an unknown account anywhere in the legs fails the whole posting, debit included", async () => {
    const payer = await insertUser(pool, "MEMBER");
    await fundUser(pool, payer, 100n);
    const before = await transactionCount();
    const ghost = randomUUID();
    await expect(
      post(pool, {
        kind: "TIP",
        idempotencyKey: randomUUID(),
        actorId: payer,
        description: "Tip to nobody",
        legs: [
          { account: userAccount(payer, "available"), amount: -50n },
          { account: userAccount(ghost, "pending"), amount: 50n },
        ],
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await transactionCount()).toBe(before);
    expect((await walletBalances(pool, payer)).available).toBe(100n);
  });

  it("the database itself refuses unbalanced legs", async () => {
    const before = await transactionCount();
    await expect(
      pool.query(
        `SELECT * FROM ledger_post('ADJUSTMENT', $1, 'h', NULL, 'bad', '{}', NULL, $2::text[], $3::bigint[])`,
        [randomUUID(), [userAccount(member, "available"), systemAccount("adjustments")], ["10", "-9"]],
      ),
    ).rejects.toMatchObject({ code: "TM003" });
    expect(await transactionCount()).toBe(before);
  });

  it("entries and transactions are append-only", async () => {
    await fundUser(pool, member, 5n);
    for (const sql of [
      "UPDATE ledger_entries SET amount = amount + 1",
      "DELETE FROM ledger_entries",
      "TRUNCATE ledger_entries CASCADE",
      "UPDATE ledger_transactions SET description = 'changed'",
      "DELETE FROM ledger_transactions",
    ]) {
      await expect(pool.query(sql), sql).rejects.toMatchObject({ code: "TM010" });
    }
    await expectInvariantsHold();
  });

  it("credits to hot accounts take no row lock: a tip completes while their rows are locked", async () => {
    const payer = await insertUser(pool, "MEMBER");
    await fundUser(pool, payer, 100n);
    const blocker = await pool.connect();
    const tipper = await pool.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT 1 FROM ledger_accounts WHERE code = ANY($1) FOR UPDATE", [
        [systemAccount("revenue"), userAccount(performer, "pending")],
      ]);
      await tipper.query("SET lock_timeout = '2s'");
      const result = await post(tipper, {
        kind: "TIP",
        idempotencyKey: randomUUID(),
        actorId: payer,
        description: "Tip",
        legs: saleLegs(payer, performer, splitSale(30n, 7000)),
      });
      expect(result.replayed).toBe(false);
    } finally {
      await blocker.query("ROLLBACK");
      await tipper.query("RESET lock_timeout");
      blocker.release();
      tipper.release();
    }
    expect((await walletBalances(pool, payer)).available).toBe(70n);
  });

  it("folding moves parked deltas into cached balances without changing any balance", async () => {
    const fan = await insertUser(pool, "MEMBER");
    const star = await insertUser(pool, "PERFORMER");
    await fundUser(pool, fan, 500n);
    await Promise.all([tip(fan, star, 100n), tip(fan, star, 100n), tip(fan, star, 50n)]);
    const before = await walletBalances(pool, star);
    expect(before.pending).toBe(175n);
    const { rows: parked } = await pool.query(
      "SELECT count(*)::int AS n FROM ledger_unfolded_deltas d JOIN ledger_accounts a ON a.id = d.account_id WHERE a.owner_id = $1",
      [star],
    );
    expect(parked[0].n).toBe(3);
    await foldEveryHotAccount();
    expect(await foldHotAccounts(pool)).toBe(0);
    const { rows: cached } = await pool.query("SELECT balance FROM ledger_accounts WHERE code = $1", [userAccount(star, "pending")]);
    expect(cached[0].balance).toBe("175");
    expect(await walletBalances(pool, star)).toEqual(before);
    await expectInvariantsHold();
  });

  it("a guarded debit of a hot account counts its unfolded credits", async () => {
    const fan = await insertUser(pool, "MEMBER");
    const star = await insertUser(pool, "PERFORMER");
    await fundUser(pool, fan, 100n);
    await tip(fan, star, 100n);
    const move = (amount: bigint) =>
      post(pool, {
        kind: "ADJUSTMENT",
        idempotencyKey: randomUUID(),
        actorId: null,
        description: "Mature earnings",
        legs: [
          { account: userAccount(star, "pending"), amount: -amount },
          { account: userAccount(star, "available"), amount },
        ],
      });
    await expect(move(71n)).rejects.toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    await move(70n);
    expect(await walletBalances(pool, star)).toMatchObject({ pending: 0n, available: 70n });
    await expectInvariantsHold();
  });

  it("a clawback may overdraw a wallet, which then refuses spending until credits settle it", async () => {
    const buyer = await insertUser(pool, "MEMBER");
    await insertPaidPurchase(pool, buyer, 100n);
    await tip(buyer, performer, 80n);
    await post(pool, {
      kind: "PURCHASE_REFUND",
      idempotencyKey: randomUUID(),
      actorId: null,
      description: "Refunded",
      legs: clawbackLegs(buyer, 100n),
      allowOverdraft: true,
    });
    expect(await walletBalances(pool, buyer)).toMatchObject({ available: -80n, restricted: true });
    await expect(tip(buyer, performer, 1n)).rejects.toMatchObject({ code: "ACCOUNT_RESTRICTED" });
    await expectInvariantsHold();

    await fundUser(pool, buyer, 100n);
    expect(await walletBalances(pool, buyer)).toMatchObject({ available: 20n, restricted: false });
    await tip(buyer, performer, 20n);
    await expectInvariantsHold();
  });

  it("a reversal posts the negated entries and points at the original", async () => {
    const fan = await insertUser(pool, "MEMBER");
    const star = await insertUser(pool, "PERFORMER");
    await fundUser(pool, fan, 100n);
    const original = await tip(fan, star, 40n);
    const undo = await reverse(pool, {
      transactionId: original.transactionId,
      idempotencyKey: randomUUID(),
      actorId: null,
      description: "Tip reversed",
    });
    expect(await walletBalances(pool, fan)).toMatchObject({ available: 100n });
    expect(await walletBalances(pool, star)).toMatchObject({ pending: 0n });
    const { rows } = await pool.query("SELECT kind, reverses_id FROM ledger_transactions WHERE id = $1", [
      undo.transactionId.toString(),
    ]);
    expect(rows[0]).toEqual({ kind: "REVERSAL", reverses_id: original.transactionId.toString() });
    await expectInvariantsHold();
  });
});

describe("a randomized concurrent workload of mixed postings", () => {
  it("keeps every invariant and never overdraws a wallet", async () => {
    const members = await Promise.all(Array.from({ length: 6 }, () => insertUser(pool, "MEMBER")));
    const performers = await Promise.all(Array.from({ length: 3 }, () => insertUser(pool, "PERFORMER")));
    const pick = <T>(list: readonly T[], index: number): T => list[index % list.length] as T;

    const operation = fc.oneof(
      fc.record({ type: fc.constant("purchase" as const), who: fc.nat(), amount: fc.bigInt(1n, 500n) }),
      fc.record({ type: fc.constant("tip" as const), who: fc.nat(), to: fc.nat(), amount: fc.bigInt(1n, 200n), bps: fc.integer({ min: 0, max: 10000 }) }),
      fc.record({ type: fc.constant("transfer" as const), who: fc.nat(), to: fc.nat(), amount: fc.bigInt(1n, 150n) }),
      fc.record({ type: fc.constant("adjust" as const), who: fc.nat(), amount: fc.bigInt(-100n, 100n).filter((n) => n !== 0n) }),
      fc.record({ type: fc.constant("fold" as const) }),
    );
    const batches = fc.sample(fc.array(operation, { minLength: 20, maxLength: 40 }), { numRuns: 8, seed: 20261123 });

    for (const batch of batches) {
      const outcomes = await Promise.all(
        batch.map((op) => {
          switch (op.type) {
            case "purchase":
              return settledOutcome(insertPaidPurchase(pool, pick(members, op.who), op.amount));
            case "tip":
              return settledOutcome(post(pool, { kind: "TIP", idempotencyKey: randomUUID(), actorId: null, description: "Tip", legs: saleLegs(pick(members, op.who), pick(performers, op.to), splitSale(op.amount, op.bps)) }));
            case "transfer": {
              const from = pick(members, op.who);
              const to = pick(members, op.to + 1);
              if (from === to) return Promise.resolve(null);
              return settledOutcome(post(pool, { kind: "ADJUSTMENT", idempotencyKey: randomUUID(), actorId: null, description: "Transfer", legs: [{ account: userAccount(from, "available"), amount: -op.amount }, { account: userAccount(to, "available"), amount: op.amount }] }));
            }
            case "adjust":
              return settledOutcome(post(pool, { kind: "ADJUSTMENT", idempotencyKey: randomUUID(), actorId: null, description: "Adjust", legs: adjustmentLegs(pick(members, op.who), "available", op.amount) }));
            case "fold":
              return foldHotAccounts(pool);
          }
        }),
      );
      for (const outcome of outcomes) {
        if (outcome instanceof DomainError) expect(outcome.code).toBe("INSUFFICIENT_FUNDS");
      }
      const results = await expectInvariantsHold();
      expect(results.map((r) => r.name)).toContain("credits-conserved");
    }
    for (const id of [...members, ...performers]) {
      const balances = await walletBalances(pool, id);
      expect(balances.available).toBeGreaterThanOrEqual(0n);
      expect(balances.pending).toBeGreaterThanOrEqual(0n);
    }
  });
});
