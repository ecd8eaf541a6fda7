import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultMigrationPaths, deployMigrations } from "@/server/db/migrations";
import { runInvariantChecks } from "@/server/ledger/invariants";

/**
 * The wallets migration (20261206015021_wallets) on a database that has lived without wallets: thousands of users
 * with purchases, matured earnings, withdrawal holds (some returned) and transfers. Every invariant holds before and
 * after; each performer's earned, unwithdrawn credits (at most their balance) move to Earnings in one WALLET_SPLIT
 * posting; nobody's total changes; a split reverses like any posting.
 */

const FIRST_WALLET_MIGRATION = "20261206015020_wallet_kinds";
const PERFORMERS = 1_500;
const MEMBERS = 1_500;

const testDatabaseUrl = process.env.DATABASE_URL ?? "";
let scratchDir: string;
let databaseName: string;
let client: pg.Client;

beforeAll(async () => {
  scratchDir = await mkdtemp(path.join(os.tmpdir(), "tipmeter-wallet-split-"));
  databaseName = `${new URL(testDatabaseUrl).pathname.slice(1)}_${randomBytes(3).toString("hex")}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${pg.escapeIdentifier(databaseName)}`));
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${databaseName}`;
  client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await rm(scratchDir, { recursive: true, force: true });
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`));
});

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** The migrations folder as it was before wallets. */
async function migrationsBeforeWallets(): Promise<string> {
  const dir = path.join(scratchDir, "migrations");
  const entries = await readdir(defaultMigrationPaths.migrationsDir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isDirectory() && entry.name >= FIRST_WALLET_MIGRATION) continue;
    await cp(path.join(defaultMigrationPaths.migrationsDir, entry.name), path.join(dir, entry.name), { recursive: true });
  }
  return dir;
}

/** Posts through the engine as the application did before wallets; amounts are per user, from the user's number. */
const HISTORY_SQL = `
INSERT INTO users (id, email, username, display_name, password_hash, role)
SELECT gen_random_uuid(), 'u' || n || '@split.test', 'u' || n, 'User ' || n, 'x', CASE WHEN n <= $1 THEN 'PERFORMER' ELSE 'MEMBER' END::"Role"
  FROM generate_series(1, $1 + $2) n;

CREATE TEMP TABLE numbered AS SELECT u.id, substring(u.username FROM 2)::int AS n, u.role FROM users u;

-- Users hold credits they bought (as an adjustment: the purchase invariant wants a card purchase row), some none.
SELECT ledger_post('ADJUSTMENT', 'bought:' || x.n, 'h', NULL, 'Credits', '{}', NULL,
                   ARRAY['system:adjustments:CRD', 'user:' || x.id || ':available:CRD'], ARRAY[-(x.n % 7) * 100, (x.n % 7) * 100]::bigint[])
  FROM numbered x WHERE x.n % 7 <> 0;

-- Performers earn: a share lands in pending, then matures into available.
SELECT ledger_post('ADJUSTMENT', 'earn:' || x.n, 'h', NULL, 'Sales', '{}', NULL,
                   ARRAY['system:revenue:CRD', 'user:' || x.id || ':pending:CRD'], ARRAY[-(x.n % 11 + 1) * 90, (x.n % 11 + 1) * 90]::bigint[])
  FROM numbered x WHERE x.role = 'PERFORMER';
SELECT ledger_post('EARNINGS_MATURED', 'matured:' || x.n, 'h', NULL, 'Matured', '{}', NULL,
                   ARRAY['user:' || x.id || ':pending:CRD', 'user:' || x.id || ':available:CRD'], ARRAY[-(x.n % 11 + 1) * 80, (x.n % 11 + 1) * 80]::bigint[])
  FROM numbered x WHERE x.role = 'PERFORMER';

-- Members send performers transfers (received credits are not earnings).
SELECT ledger_post('TRANSFER', 'transfer:' || x.n, 'h', NULL, 'Transfer', '{}', NULL,
                   ARRAY['user:' || m.id || ':available:CRD', 'user:' || x.id || ':available:CRD'], ARRAY[-50, 50]::bigint[])
  FROM numbered x JOIN numbered m ON m.n = x.n + $1
 WHERE x.role = 'PERFORMER' AND x.n % 3 = 0 AND m.n % 7 <> 0;

-- Some performers request withdrawals; some of those are returned.
SELECT ledger_post('WITHDRAWAL_HOLD', 'withdrawal:' || x.n || ':hold', 'h', x.id, 'Withdrawal', '{}', NULL,
                   ARRAY['user:' || x.id || ':available:CRD', 'user:' || x.id || ':held:CRD'], ARRAY[-80, 80]::bigint[])
  FROM numbered x WHERE x.role = 'PERFORMER' AND x.n % 4 = 0;
SELECT ledger_post('REVERSAL', 'withdrawal:' || x.n || ':release', 'h', x.id, 'Returned', '{}',
                   (SELECT t.id FROM ledger_transactions t WHERE t.idempotency_key = 'withdrawal:' || x.n || ':hold'),
                   ARRAY['user:' || x.id || ':held:CRD', 'user:' || x.id || ':available:CRD'], ARRAY[-80, 80]::bigint[])
  FROM numbered x WHERE x.role = 'PERFORMER' AND x.n % 8 = 0;

-- Performers spend some of their credits (at most what they bought).
SELECT ledger_post('TIP', 'spend:' || x.n, 'h', x.id, 'Tip', '{}', NULL,
                   ARRAY['user:' || x.id || ':available:CRD', 'system:revenue:CRD'], ARRAY[-(x.n % 5) * 20, (x.n % 5) * 20]::bigint[])
  FROM numbered x WHERE x.role = 'PERFORMER' AND x.n % 5 <> 0 AND x.n % 7 <> 0;`;

interface Before {
  id: string;
  n: number;
  role: string;
  available: bigint;
  total: bigint;
}

/** What the migration should move: earned = matured - held for withdrawals + returned, at most the balance. */
function expectedSplit(before: Before): bigint {
  if (before.role !== "PERFORMER") return 0n;
  const matured = BigInt((before.n % 11) + 1) * 80n;
  const withdrawn = before.n % 4 === 0 && before.n % 8 !== 0 ? 80n : 0n;
  const earned = matured - withdrawn;
  const limit = earned > 0n ? earned : 0n;
  return before.available < limit ? before.available : limit;
}

async function balancesByUser(): Promise<Map<string, { available: bigint; earnings: bigint; total: bigint; n: number; role: string }>> {
  const { rows } = await client.query<{ id: string; n: number; role: string; available: string; earnings: string | null; total: string }>(
    `SELECT u.id, substring(u.username FROM 2)::int AS n, u.role,
            sum(a.balance) FILTER (WHERE a.type = 'AVAILABLE') AS available,
            sum(a.balance) FILTER (WHERE a.type::text = 'EARNINGS') AS earnings,
            sum(a.balance) AS total
       FROM users u JOIN ledger_accounts a ON a.owner_id = u.id
      GROUP BY u.id`,
  );
  return new Map(rows.map((row) => [row.id, { n: row.n, role: row.role, available: BigInt(row.available), earnings: BigInt(row.earnings ?? "0"), total: BigInt(row.total) }]));
}

describe("the wallets migration on a database with many users", () => {
  it("keeps every invariant, moves exactly each performer's earned credits, and is reversible", async () => {
    const migrationsDir = await migrationsBeforeWallets();
    await deployMigrations(urlOf(), { ...defaultMigrationPaths, migrationsDir });
    await client.query(HISTORY_SQL.replaceAll("$1", String(PERFORMERS)).replaceAll("$2", String(MEMBERS)));
    await client.query("SELECT ledger_fold(100000)");

    const beforeChecks = await runInvariantChecks(client);
    expect(beforeChecks.filter((check) => !check.passed)).toEqual([]);
    const before = await balancesByUser();

    await deployMigrations(urlOf());

    const afterChecks = await runInvariantChecks(client);
    expect(afterChecks.filter((check) => !check.passed)).toEqual([]);
    const after = await balancesByUser();
    const splits = await client.query<{ performer_id: string; amount: string; kind: string }>(
      `SELECT t.metadata->>'performerId' AS performer_id, t.metadata->>'amount' AS amount, t.kind FROM ledger_transactions t WHERE t.kind::text = 'WALLET_SPLIT'`,
    );
    const splitBy = new Map(splits.rows.map((row) => [row.performer_id, BigInt(row.amount)]));

    let moved = 0;
    for (const [id, was] of before) {
      const now = after.get(id);
      const expected = expectedSplit({ id, ...was });
      expect({ id, total: now?.total, available: now?.available, earnings: now?.earnings, split: splitBy.get(id) ?? 0n }).toEqual({
        id,
        total: was.total,
        available: was.available - expected,
        earnings: expected,
        split: expected,
      });
      if (expected > 0n) moved += 1;
    }
    // The history above gives most performers something to move, and some (spent it, withdrew it) nothing.
    expect(moved).toBeGreaterThan(PERFORMERS / 2);
    expect(moved).toBeLessThan(PERFORMERS);
    expect(splits.rows.length).toBe(moved);

    // Every user now holds one wallet per active type.
    const wallets = await client.query<{ users_short: string }>(
      `SELECT count(*) AS users_short FROM users u CROSS JOIN wallet_types wt
        WHERE wt.active AND NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.owner_id = u.id AND a.wallet_type_id = wt.id)`,
    );
    expect(wallets.rows[0]?.users_short).toBe("0");

    // A split is an ordinary posting: reversing one puts the credits back in the Credits wallet.
    const [performerId, amount] = [...splitBy.entries()][0] as [string, bigint];
    await client.query(
      `SELECT ledger_post('REVERSAL', 'wallet-split:' || $1 || ':reversal', 'h', NULL, 'Split reversed', '{}',
                          (SELECT id FROM ledger_transactions WHERE idempotency_key = 'wallet-split:' || $1),
                          ARRAY['user:' || $1 || ':earnings:CRD', 'user:' || $1 || ':available:CRD'], ARRAY[-$2::bigint, $2::bigint])`,
      [performerId, amount.toString()],
    );
    const reversed = (await balancesByUser()).get(performerId);
    expect(reversed?.earnings).toBe(0n);
    expect(reversed?.available).toBe(before.get(performerId)?.available);
    expect((await runInvariantChecks(client)).filter((check) => !check.passed)).toEqual([]);
  });
});

function urlOf(): string {
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
}
