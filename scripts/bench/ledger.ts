import { randomUUID } from "node:crypto";
import pg from "pg";
import { splitSale } from "@/server/domain/commission";
import { adjustmentLegs, saleLegs, systemAccount, userAccount } from "@/server/domain/ledger";
import { checkInvariants } from "@/server/ledger/invariants";
import { post } from "@/server/ledger/post";

/**
 * Thousands of members tipping one popular performer at once. Three ways of posting the same tips are timed
 * in the same run against the same database:
 *  - orm-style: the read-then-write shape of an ORM interactive transaction (BEGIN; SELECT ... FOR UPDATE each
 *    account; UPDATE each; INSERT the transaction and entries; COMMIT): five round trips and row locks on the
 *    performer and the revenue account.
 *  - locked-credits: ledger_post, one round trip, but with the credited accounts cold, so every tip still
 *    updates (and locks) the performer's and the revenue account's rows.
 *  - hot-credits: ledger_post as shipped: the credited hot accounts are only appended to.
 */
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 2000);
const TIPS = Number(process.env.BENCH_TIPS ?? 12000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

interface Fixture {
  members: string[];
  performer: string;
}

async function setUp(pool: pg.Pool): Promise<Fixture> {
  const { rows } = await pool.query<{ id: string; role: string }>(
    `INSERT INTO users (id, email, username, display_name, password_hash, role)
     SELECT gen_random_uuid(), 'bench-' || n, 'bench-' || n, 'Bench ' || n, '-',
            (CASE WHEN n = 0 THEN 'PERFORMER' ELSE 'MEMBER' END)::"Role"
       FROM generate_series(0, $1::int) AS n
     RETURNING id, role`,
    [MEMBERS],
  );
  const performer = rows.find((row) => row.role === "PERFORMER")?.id as string;
  const members = rows.filter((row) => row.role === "MEMBER").map((row) => row.id);
  await runConcurrently(members.length, async (i) => {
    const member = members[i] as string;
    await post(pool, {
      kind: "ADJUSTMENT",
      idempotencyKey: `bench-fund:${member}`,
      actorId: null,
      description: "Bench funding",
      legs: adjustmentLegs(member, "available", 1_000_000n),
    });
  });
  return { members, performer };
}

async function runConcurrently(count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

type Tipper = (pool: pg.Pool, member: string, performer: string, amount: bigint) => Promise<void>;

const viaLedgerPost: Tipper = async (pool, member, performer, amount) => {
  await post(pool, {
    kind: "TIP",
    idempotencyKey: randomUUID(),
    actorId: member,
    description: "Tip",
    legs: saleLegs(member, performer, splitSale(amount, 7000)),
  });
};

const viaOrmStyleTransaction: Tipper = async (pool, member, performer, amount) => {
  const split = splitSale(amount, 7000);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const legs = saleLegs(member, performer, split);
    const { rows: accounts } = await client.query<{ id: string; code: string; balance: string }>(
      "SELECT id, code, balance FROM ledger_accounts WHERE code = ANY($1) ORDER BY id FOR UPDATE",
      [legs.map((l) => l.account)],
    );
    const memberAccount = accounts.find((a) => a.code === userAccount(member, "available"));
    if (!memberAccount || BigInt(memberAccount.balance) < amount) throw new Error("insufficient funds");
    for (const account of accounts) {
      const leg = legs.find((l) => l.account === account.code);
      await client.query("UPDATE ledger_accounts SET balance = balance + $2 WHERE id = $1", [account.id, leg?.amount.toString()]);
    }
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO ledger_transactions (kind, idempotency_key, request_hash, description) VALUES ('TIP', $1, '-', 'Tip') RETURNING id`,
      [randomUUID()],
    );
    await client.query(
      `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
       SELECT $1, a.id, l.amount, a.currency FROM unnest($2::text[], $3::bigint[]) l(code, amount) JOIN ledger_accounts a ON a.code = l.code`,
      [rows[0]?.id, legs.map((l) => l.account), legs.map((l) => l.amount.toString())],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
};

async function run(pool: pg.Pool, fixture: Fixture, tipper: Tipper): Promise<{ perSecond: number; ms: number }> {
  const started = process.hrtime.bigint();
  await runConcurrently(TIPS, (i) =>
    tipper(pool, fixture.members[i % fixture.members.length] as string, fixture.performer, BigInt(1 + (i % 50))),
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { perSecond: (TIPS / ms) * 1000, ms };
}

async function setHot(pool: pg.Pool, performer: string, hot: boolean): Promise<void> {
  await pool.query("SELECT ledger_fold(100000)");
  await pool.query("UPDATE ledger_accounts SET hot = $1 WHERE code = ANY($2)", [
    hot,
    [userAccount(performer, "pending"), systemAccount("revenue")],
  ]);
}

export async function benchLedger(databaseUrl: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  pool.on("error", () => undefined);
  try {
    console.log(`ledger: ${MEMBERS} members tipping one performer, ${TIPS} tips per variant, concurrency ${CONCURRENCY}`);
    const fixture = await setUp(pool);

    await setHot(pool, fixture.performer, false);
    const orm = await run(pool, fixture, viaOrmStyleTransaction);
    const locked = await run(pool, fixture, viaLedgerPost);
    await setHot(pool, fixture.performer, true);
    const hot = await run(pool, fixture, viaLedgerPost);

    const rows = [
      ["orm-style (baseline)", orm],
      ["locked-credits", locked],
      ["hot-credits", hot],
    ] as const;
    for (const [name, result] of rows) {
      console.log(
        `  ${name.padEnd(22)} ${result.perSecond.toFixed(0).padStart(7)} tips/s  ${(result.perSecond / orm.perSecond).toFixed(2)}x baseline`,
      );
    }
    const failed = (await checkInvariants(pool)).filter((r) => !r.passed);
    if (failed.length) throw new Error(`invariants failed after the bench: ${failed.map((f) => f.name).join(", ")}`);
    console.log(
      `RESULT ledger tips_per_s=${hot.perSecond.toFixed(0)} baseline_tips_per_s=${orm.perSecond.toFixed(0)} ratio=${(hot.perSecond / orm.perSecond).toFixed(2)} locked_credits_ratio=${(locked.perSecond / orm.perSecond).toFixed(2)}`,
    );
  } finally {
    await pool.end();
  }
}
