import { randomUUID } from "node:crypto";
import type { PoolClient } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "@/server/db/client";
import { userAccount } from "@/server/domain/ledger";
import { fundUser, insertPaidPurchase, insertUser } from "@/server/testing/factories";
import { checkInvariants, runInvariantChecks } from "./invariants";

/**
 * Each invariant must notice its own kind of damage. The damage is done inside a transaction that is rolled
 * back, so each case starts from clean books.
 */
let member: string;
let purchaseId: string;

beforeAll(async () => {
  member = await insertUser(pool, "MEMBER");
  await fundUser(pool, member, 100n);
  purchaseId = await insertPaidPurchase(pool, member, 50n);
});

afterAll(async () => {
  await closeDb();
});

async function failingAfter(damage: (db: PoolClient) => Promise<unknown>): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await damage(client);
    const results = await runInvariantChecks(client);
    return results.filter((result) => !result.passed).map((result) => result.name);
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}

const available = () => userAccount(member, "available");

describe("the ledger invariants", () => {
  it("all hold on clean books", async () => {
    const results = await checkInvariants(pool);
    expect(results.map((r) => r.name)).toEqual([
      "transactions-balance",
      "balances-match-entries",
      "entries-reference-accounts",
      "guarded-not-negative",
      "stripe-payments-credited-once",
      "credits-conserved",
    ]);
    expect(results.every((r) => r.passed)).toBe(true);
  });

  it.each([
    [
      "a cached balance that drifted from its entries",
      (db: PoolClient) => db.query("UPDATE ledger_accounts SET balance = balance + 1 WHERE code = $1", [available()]),
      ["balances-match-entries", "credits-conserved"],
    ],
    [
      "an entry that unbalances its transaction",
      (db: PoolClient) =>
        db.query(
          `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
           SELECT e.transaction_id, e.account_id, 5, 'CRD' FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
            WHERE a.code = $1 LIMIT 1`,
          [available()],
        ),
      ["transactions-balance", "balances-match-entries"],
    ],
    [
      "a guarded account overdrawn without a clawback",
      async (db: PoolClient) => {
        await db.query(
          `INSERT INTO ledger_transactions (kind, idempotency_key, request_hash, description) VALUES ('ADJUSTMENT', $1, '-', 'forged')`,
          [randomUUID()],
        );
        await db.query(
          `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
           SELECT currval('ledger_transactions_id_seq'), a.id, x.amount, 'CRD'
             FROM (VALUES ($1, -1000), ('system:adjustments:CRD', 1000)) AS x(code, amount) JOIN ledger_accounts a ON a.code = x.code`,
          [available()],
        );
        await db.query("UPDATE ledger_accounts SET balance = balance - 1000 WHERE code = $1", [available()]);
        await db.query("UPDATE ledger_accounts SET balance = balance + 1000 WHERE code = 'system:adjustments:CRD'");
      },
      ["guarded-not-negative"],
    ],
    [
      "an entry naming an account that does not exist",
      (db: PoolClient) =>
        db.query(
          `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
           SELECT max(id), x.account_id, x.amount, 'CRD' FROM ledger_transactions, (VALUES (999999999, 1), (999999998, -1)) AS x(account_id, amount)
            GROUP BY x.account_id, x.amount`,
        ),
      ["entries-reference-accounts"],
    ],
    [
      "a paid purchase that was never credited",
      (db: PoolClient) =>
        db.query(
          `INSERT INTO credit_purchases (id, user_id, package_id, credits, price_minor, currency, status, idempotency_key, updated_at)
           SELECT $1::uuid, user_id, package_id, credits, price_minor, currency, 'PAID', $1::text, now() FROM credit_purchases WHERE id = $2`,
          [randomUUID(), purchaseId],
        ),
      ["stripe-payments-credited-once"],
    ],
    [
      "a credited purchase that is not paid",
      (db: PoolClient) => db.query("UPDATE credit_purchases SET status = 'FAILED' WHERE id = $1", [purchaseId]),
      ["stripe-payments-credited-once"],
    ],
  ])("notice %s", async (_name, damage, expected) => {
    expect(await failingAfter(damage)).toEqual(expected);
  });
});
