import { randomUUID } from "node:crypto";
import pg from "pg";
import { splitSale } from "@/server/domain/commission";
import { saleLegs, systemAccount, userAccount } from "@/server/domain/ledger";
import { checkInvariants } from "@/server/ledger/invariants";
import { post } from "@/server/ledger/post";
import { wakeRelayWhenIdleSql } from "@/server/outbox/messages";
import { appCpuMs, serverCpuMs } from "./cpu";

/**
 * The same tip posted four ways, in one process against one database, each timed at 16 and 64 concurrent clients,
 * spread over many members and performers and again with every tip to one performer:
 *  (a) raw: one hand-written SQL statement through plain pg, the fastest honest way to do a tip's work: the guarded
 *      debit of the member, the transaction row (idempotency key), the entries, the appended deltas of the hot
 *      credited accounts and the performer's earnings lot; account ids are known to the caller, the split is
 *      computed by it at a fixed rate.
 *  (a') raw sale: the same, from what the API has (two user ids), with every lookup and check the sale path makes, in
 *      one hand-written statement (below, RAW_SALE_SQL); the RESULT line's ratios stay against (a), and
 *      sale_same_work_ratio is (c)/(a').
 *  (b) post(): the ledger engine with the same legs (one statement of its own for this shape, see server/ledger/post.ts).
 *  (c) sale: what a tip really does minus HTTP: sendTip (the performer check, the rate in effect, the split, the
 *      posting, the earnings lot and the outbox messages).
 * The connection pool is the app's (poolSize()); the clients are concurrent callers sharing it. Each row also gives
 * the CPU per tip of this process (the callers, pg) and of the PostgreSQL server (all its processes): on a shared
 * machine they move much less from run to run than tips/s do.
 */
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const PERFORMERS = Number(process.env.BENCH_PERFORMERS ?? 1_000);
const TIPS = Number(process.env.BENCH_TIPS ?? 6_000);
const CLIENTS = [16, 64];
const RATE_BPS = 7000;
const HOLD_DAYS = 7;
const FUNDING = 1_000_000n;

interface Party {
  id: string;
  available: string;
  pending: string;
}

interface Fixture {
  members: Party[];
  performers: Party[];
  revenue: string;
}

async function setUp(pool: pg.Pool): Promise<Fixture> {
  await pool.query(
    `INSERT INTO users (id, email, username, display_name, password_hash, role)
     SELECT gen_random_uuid(), 'bench-' || k.kind || '-' || n, 'bench-' || k.kind || '-' || n, 'Bench ' || k.kind || ' ' || n, '-',
            (CASE k.kind WHEN 'p' THEN 'PERFORMER' ELSE 'MEMBER' END)::"Role"
       FROM (VALUES ('p', $1::int), ('m', $2::int)) AS k(kind, count), generate_series(1, k.count) AS n`,
    [PERFORMERS, MEMBERS],
  );
  await pool.query(
    `INSERT INTO performer_profiles (user_id, stage_name, status)
     SELECT id, display_name, 'APPROVED' FROM users WHERE username LIKE 'bench-p-%'`,
  );
  await pool.query(
    `INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from) VALUES ('TIP', NULL, $1, now() - interval '1 day')`,
    [RATE_BPS],
  );
  await pool.query(`INSERT INTO platform_settings (key, value) VALUES ('earningsHold', $1::jsonb)`, [
    JSON.stringify({ defaultDays: HOLD_DAYS, byKind: {} }),
  ]);
  const { rows } = await pool.query<{ id: string; username: string; available: string; pending: string }>(
    `SELECT u.id, u.username, av.id AS available, pe.id AS pending
       FROM users u
       JOIN ledger_accounts av ON av.owner_id = u.id AND av.type = 'AVAILABLE'
       JOIN ledger_accounts pe ON pe.owner_id = u.id AND pe.type = 'PENDING'
      WHERE u.username LIKE 'bench-%' ORDER BY u.username`,
  );
  const members = rows.filter((row) => row.username.startsWith("bench-m-"));
  // One balanced adjustment funds every member.
  await post(pool, {
    kind: "ADJUSTMENT",
    idempotencyKey: "bench-funding",
    actorId: null,
    description: "Bench funding",
    legs: [
      { account: systemAccount("adjustments"), amount: -FUNDING * BigInt(members.length) },
      ...members.map((member) => ({ account: userAccount(member.id, "available"), amount: FUNDING })),
    ],
  });
  const revenue = await pool.query<{ id: string }>("SELECT id FROM ledger_accounts WHERE code = $1", [systemAccount("revenue")]);
  const party = (row: (typeof rows)[number]): Party => ({ id: row.id, available: row.available, pending: row.pending });
  return {
    members: members.map(party),
    performers: rows.filter((row) => row.username.startsWith("bench-p-")).map(party),
    revenue: revenue.rows[0]?.id as string,
  };
}

type Tipper = (member: Party, performer: Party, amount: bigint) => Promise<void>;

const RAW_TIP_SQL = `
WITH debit AS (
  UPDATE ledger_accounts SET balance = balance - $3 WHERE id = $2 AND balance >= $3 RETURNING id
), tx AS (
  INSERT INTO ledger_transactions (kind, idempotency_key, request_hash, actor_id, description, metadata)
  SELECT 'TIP'::"TransactionKind", $6::text, $6::text, $1::uuid, 'Tip', jsonb_build_object('amount', $3::text, 'performerShare', $5::text, 'rateBps', ${RATE_BPS})
    FROM debit
  RETURNING id
), legs AS (
  SELECT l.account_id, l.amount FROM (VALUES ($2::bigint, -$3::bigint), ($4::bigint, $5::bigint), ($7::bigint, $3::bigint - $5::bigint)) AS l(account_id, amount)
   WHERE l.amount <> 0
), entries AS (
  INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
  SELECT tx.id, l.account_id, l.amount, 'CRD' FROM tx, legs l
), deltas AS (
  INSERT INTO ledger_unfolded_deltas (account_id, amount)
  SELECT l.account_id, l.amount FROM tx, legs l WHERE l.amount > 0
), lot AS (
  INSERT INTO earnings_lots (performer_id, sale_kind, transaction_id, amount, remaining, matures_at)
  SELECT $8::uuid, 'TIP'::"SaleKind", tx.id, $5::bigint, $5::bigint, now() + make_interval(days => ${HOLD_DAYS}) FROM tx WHERE $5::bigint > 0
)
SELECT id FROM tx`;

function rawTip(pool: pg.Pool, revenue: string): Tipper {
  return async (member, performer, amount) => {
    const split = splitSale(amount, RATE_BPS);
    const { rowCount } = await pool.query({
      name: "bench_raw_tip",
      text: RAW_TIP_SQL,
      values: [member.id, member.available, amount.toString(), performer.pending, split.performer.toString(), randomUUID(), revenue, performer.id],
    });
    if (rowCount !== 1) throw new Error("raw tip: insufficient funds");
  };
}

/**
 * (a') The same tip as one raw statement that does all of the sale path's work from what the API has (the two user
 * ids): the performer's and the tipper's checks, the tipper's active wallet and that its type pays for tips, the
 * rate in effect and the earnings hold, the unpaid-tab check, then the posting as (a) does it, and the outbox row.
 * Hand-written and inlined (no plpgsql), it is the fastest honest way to do exactly the sale path's work, so
 * (c)/(a') is the engine's and the service's own overhead, and (a')/(a) is the cost of the lookups themselves.
 */
const RAW_SALE_SQL = `
WITH performer AS MATERIALIZED (
  SELECT u.id, p.stage_name FROM users u JOIN performer_profiles p ON p.user_id = u.id
   WHERE u.id = $1::uuid AND u.role = 'PERFORMER' AND u.status = 'ACTIVE' AND p.status = 'APPROVED'
     AND coalesce(p.stage_name, '') <> '' AND u.id <> $2::uuid
     AND EXISTS (SELECT 1 FROM users tipper WHERE tipper.id = $2::uuid)
), sale AS MATERIALIZED (
  SELECT pf.id AS performer_id, pf.stage_name, source.id AS source_id, pending.id AS pending_id, revenue.id AS revenue_id,
         rate.bps, $3::bigint * rate.bps / 10000 AS share,
         coalesce((hold.value -> 'byKind' ->> 'TIP')::int, (hold.value ->> 'defaultDays')::int, ${HOLD_DAYS}) AS hold_days
    FROM performer pf
    JOIN ledger_accounts source ON source.owner_id = $2::uuid
     AND source.wallet_type_id = coalesce((SELECT wp.active_wallet_type_id FROM wallet_preferences wp WHERE wp.user_id = $2::uuid), 'credits')
    JOIN wallet_types wt ON wt.id = source.wallet_type_id AND wt.active AND NOT wt.card_tab AND 'TIPS' = ANY (wt.pays_for)
    JOIN ledger_accounts pending ON pending.code = 'user:' || pf.id || ':pending:CRD'
    JOIN ledger_accounts revenue ON revenue.code = 'system:revenue:CRD'
    CROSS JOIN LATERAL (SELECT c.performer_share_bps AS bps FROM commission_rates c
                         WHERE c.kind = 'TIP' AND (c.performer_id = pf.id OR c.performer_id IS NULL) AND c.effective_from <= now()
                         ORDER BY c.performer_id IS NULL, c.effective_from DESC, c.id DESC LIMIT 1) rate
    LEFT JOIN platform_settings hold ON hold.key = 'earningsHold'
   WHERE source.currency = 'CRD' AND source.guarded AND NOT source.hot
     AND NOT EXISTS (SELECT 1 FROM card_tabs t WHERE t.live_member_id = $2::uuid AND t.status IN ('PAYMENT_DUE', 'WRITTEN_OFF'))
), debit AS (
  UPDATE ledger_accounts a SET balance = a.balance - $3 FROM sale WHERE a.id = sale.source_id AND a.balance >= $3 RETURNING a.id
), tx AS (
  INSERT INTO ledger_transactions (kind, idempotency_key, request_hash, actor_id, description, metadata)
  SELECT 'TIP'::"TransactionKind", $4::text, $5::text, $2::uuid, 'Tip to ' || sale.stage_name,
         jsonb_build_object('stageName', sale.stage_name, 'message', $6::text, 'saleKind', 'TIP', 'performerId', sale.performer_id,
           'amount', $3::text, 'performerShare', sale.share::text, 'platformShare', ($3::bigint - sale.share)::text, 'rateBps', sale.bps)
    FROM sale, debit
  RETURNING id
), legs AS (
  SELECT l.account_id, l.amount
    FROM sale, LATERAL (VALUES (sale.source_id, -$3::bigint), (sale.pending_id, sale.share), (sale.revenue_id, $3::bigint - sale.share)) AS l(account_id, amount)
   WHERE l.amount <> 0
), entries AS (
  INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) SELECT tx.id, l.account_id, l.amount, 'CRD' FROM tx, legs l
), deltas AS (
  INSERT INTO ledger_unfolded_deltas (account_id, amount) SELECT l.account_id, l.amount FROM tx, legs l WHERE l.amount > 0
), lot AS (
  INSERT INTO earnings_lots (performer_id, sale_kind, transaction_id, amount, remaining, matures_at)
  SELECT sale.performer_id, 'TIP'::"SaleKind", tx.id, sale.share, sale.share, now() + make_interval(days => sale.hold_days)
    FROM tx, sale WHERE sale.share > 0
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT 'tip:' || tx.id, 'tip', jsonb_build_object('transactionId', tx.id::text) FROM tx
)
SELECT id, ${wakeRelayWhenIdleSql("true")} FROM tx`;

function rawSale(pool: pg.Pool): Tipper {
  return async (member, performer, amount) => {
    const key = randomUUID();
    const { rowCount } = await pool.query({
      name: "bench_raw_sale",
      text: RAW_SALE_SQL,
      values: [performer.id, member.id, amount.toString(), key, key, null],
    });
    if (rowCount !== 1) throw new Error("raw sale: not posted");
  };
}

function postedTip(pool: pg.Pool): Tipper {
  return async (member, performer, amount) => {
    await post(pool, {
      kind: "TIP",
      idempotencyKey: randomUUID(),
      actorId: member.id,
      description: "Tip",
      legs: saleLegs(member.id, performer.id, splitSale(amount, RATE_BPS)),
    });
  };
}

async function saleTip(pool: pg.Pool): Promise<Tipper> {
  const { sendTip } = await import("@/server/services/tips");
  return async (member, performer, amount) => {
    await sendTip(member.id, { performerId: performer.id, amount, idempotencyKey: randomUUID() }, pool);
  };
}

interface Cell {
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU microseconds per tip: this process (the callers and pg), and the PostgreSQL server; null where unknown. */
  appMicros: number;
  serverMicros: number | null;
}

/** Tips per cell are split into rounds; each round runs every variant once, in turn, so a change in the machine's load
 * while a cell runs (this machine is shared) falls on all three alike instead of on whichever ran then. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

interface Tally {
  tips: number;
  ms: number;
  latencies: number[];
  appMs: number;
  serverMs: number | null;
}

let nextMember = 0;

/** `count` tips, each from the next member in turn (no two in flight share a wallet), to a random performer or to the first. */
async function run(pool: pg.Pool, fixture: Fixture, tipper: Tipper, clients: number, hot: boolean, count: number, tally: Tally): Promise<void> {
  let sent = 0;
  const serverBefore = await serverCpuMs(pool);
  const appBefore = appCpuMs();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (sent < count) {
        sent++;
        const i = nextMember++;
        const member = fixture.members[i % fixture.members.length] as Party;
        const performer = (hot ? fixture.performers[0] : fixture.performers[Math.floor(Math.random() * fixture.performers.length)]) as Party;
        const t0 = process.hrtime.bigint();
        await tipper(member, performer, BigInt(1 + (i % 50)));
        tally.latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  tally.tips += count;
  tally.ms += Number(process.hrtime.bigint() - started) / 1e6;
  tally.appMs += appCpuMs() - appBefore;
  const serverAfter = await serverCpuMs(pool);
  tally.serverMs = tally.serverMs === null || serverBefore === null || serverAfter === null ? null : tally.serverMs + serverAfter - serverBefore;
}

function cellOf(tally: Tally): Cell {
  const latencies = [...tally.latencies].sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    perSecond: (tally.tips / tally.ms) * 1000,
    p50: at(0.5),
    p99: at(0.99),
    appMicros: (tally.appMs * 1000) / tally.tips,
    serverMicros: tally.serverMs === null ? null : (tally.serverMs * 1000) / tally.tips,
  };
}

export async function benchLedger(databaseUrl: string): Promise<void> {
  process.env.DATABASE_URL ??= databaseUrl;
  const { poolSize } = await import("@/server/db/client");
  const connections = Number(process.env.BENCH_POOL ?? poolSize());
  const pool = new pg.Pool({ connectionString: databaseUrl, max: connections });
  pool.on("error", () => undefined);
  try {
    console.log(
      `ledger: ${MEMBERS} members, ${PERFORMERS} performers, ${TIPS} tips per cell in ${ROUNDS} interleaved rounds, ${connections} connections, clients ${CLIENTS.join(" and ")}`,
    );
    const fixture = await setUp(pool);
    const variants = [
      ["raw statement", rawTip(pool, fixture.revenue)],
      ["raw sale", rawSale(pool)],
      ["post()", postedTip(pool)],
      ["sale path", await saleTip(pool)],
    ] as const;
    const results = new Map<string, Cell>();
    for (const hot of [false, true]) {
      for (const clients of CLIENTS) {
        const tallies = variants.map((): Tally => ({ tips: 0, ms: 0, latencies: [], appMs: 0, serverMs: 0 }));
        for (let round = 0; round < ROUNDS; round++) {
          for (const [index, [, tipper]] of variants.entries()) {
            await run(pool, fixture, tipper, clients, hot, Math.ceil(TIPS / ROUNDS), tallies[index] as Tally);
          }
        }
        for (const [index, [name]] of variants.entries()) {
          const cell = cellOf(tallies[index] as Tally);
          results.set(`${name}:${hot}:${clients}`, cell);
          const raw = results.get(`raw statement:${hot}:${clients}`) as Cell;
          console.log(
            `  ${(hot ? "hot" : "spread").padEnd(6)} ${String(clients).padStart(2)} clients  ${name.padEnd(13)} ${cell.perSecond.toFixed(0).padStart(6)} tips/s` +
              `  p50 ${cell.p50.toFixed(1).padStart(5)} ms  p99 ${cell.p99.toFixed(1).padStart(6)} ms  ${(cell.perSecond / raw.perSecond).toFixed(2)}x raw` +
              `  CPU per tip: app ${cell.appMicros.toFixed(0).padStart(4)} µs + PostgreSQL ${cell.serverMicros === null ? "n/a" : `${cell.serverMicros.toFixed(0).padStart(4)} µs`}`,
          );
        }
      }
    }
    await pool.query("SELECT ledger_fold(100000)");
    const failed = (await checkInvariants(pool)).filter((r) => !r.passed);
    if (failed.length) throw new Error(`invariants failed after the bench: ${failed.map((f) => f.name).join(", ")}`);
    console.log("  invariants: all hold");
    const tipsPerSecond = (name: string, hot: boolean) => (results.get(`${name}:${hot}:16`) as Cell).perSecond;
    const ratio = (name: string, hot: boolean) => (tipsPerSecond(name, hot) / tipsPerSecond("raw statement", hot)).toFixed(2);
    console.log(
      `RESULT ledger spread_ratio=${ratio("post()", false)} hot_ratio=${ratio("post()", true)} sale_ratio=${ratio("sale path", false)} tips_per_s=${tipsPerSecond("sale path", false).toFixed(0)}` +
        ` sale_same_work_ratio=${(tipsPerSecond("sale path", false) / tipsPerSecond("raw sale", false)).toFixed(2)}`,
    );
  } finally {
    await pool.end();
  }
}
