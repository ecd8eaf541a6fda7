import pg from "pg";
import { type Leg, systemAccount, userAccount } from "@/server/domain/ledger";
import { LOW_BALANCE_SECONDS, type MeterTerms, STALE_AFTER_SECONDS, chargeFor } from "@/server/domain/metering";
import { checkInvariants } from "@/server/ledger/invariants";
import { post } from "@/server/ledger/post";
import { type MeterParams, SWEEP_BATCH_SHOWS, sweepMeters } from "@/server/services/shows";
import { appCpuMs, serverCpuMs } from "./cpu";

/**
 * N concurrent private shows ticking every 30 s, in accelerated time against the real database: every show is
 * live from T0 and the sweep runs at T0 + 1 s, T0 + 31 s, ... (the engine's `at` stands in for the clock), so
 * each tick starts a new 30-second increment for every show and posts one SHOW_CHARGE per show: the worst case,
 * with the settle threshold at one increment. Both sides' heartbeats are stamped in bulk before each tick and not
 * timed: they are the pages' cost, not the meter's.
 *
 * Measured per tick: wall time of the sweep (capacity = show-ticks settled per second of sweep), CPU of this
 * process (process.cpuUsage) and of the PostgreSQL server (utime + stime from /proc of the postmaster's
 * processes: backends, WAL writer, checkpointer...). The baseline in the same run settles the same kind of tick
 * one meter per transaction, each charge posted with post(), on a sample of the shows.
 */
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const TICKS = Number(process.env.BENCH_TICKS ?? 6);
const BATCH = Number(process.env.BENCH_BATCH ?? SWEEP_BATCH_SHOWS);
const BASELINE_SAMPLE = Number(process.env.BENCH_BASELINE_SAMPLE ?? 2_000);
const BASELINE_CONCURRENCY = Number(process.env.BENCH_BASELINE_CONCURRENCY ?? 4);
const TICK_SECONDS = 30;
const SHOWS_PER_TICK_NEEDED = SESSIONS / TICK_SECONDS;
const APPLICATION = "tipmeter-bench-metering";

const TERMS: MeterTerms = { pricePerMinute: 60n, freeSeconds: 0, minimumMinutes: 0, incrementSeconds: TICK_SECONDS };
const CHARGE_PER_TICK = chargeFor(1, TERMS);
const FUNDING = 1_000_000n;
const PERFORMER_SHARE_BPS = 7000;

/** Presence never lapses in the bench (heartbeats are stamped before each tick); nothing times out or runs low. */
const PARAMS: MeterParams = {
  staleSeconds: STALE_AFTER_SECONDS,
  offlineTimeoutSeconds: 90,
  lowBalanceSeconds: LOW_BALANCE_SECONDS,
  holdDaysPrivate: 7,
  holdDaysGroup: 7,
};

interface Fixture {
  start: Date;
}

async function setUp(pool: pg.Pool): Promise<Fixture> {
  await pool.query(
    `INSERT INTO users (id, email, username, display_name, password_hash, role)
     SELECT gen_random_uuid(), 'meter-' || kind || '-' || n, 'meter-' || kind || '-' || n, 'Meter ' || kind || ' ' || n, '-',
            (CASE kind WHEN 'p' THEN 'PERFORMER' ELSE 'MEMBER' END)::"Role"
       FROM generate_series(1, $1::int) AS n CROSS JOIN (VALUES ('p'), ('m')) AS k(kind)`,
    [SESSIONS],
  );
  await pool.query(
    `INSERT INTO performer_profiles (user_id, stage_name, status)
     SELECT id, display_name, 'APPROVED' FROM users WHERE username LIKE 'meter-p-%'`,
  );
  await pool.query(
    `INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from) VALUES ('PRIVATE_SHOW', NULL, $1, now() - interval '1 day')`,
    [PERFORMER_SHARE_BPS],
  );
  const { rows: members } = await pool.query<{ id: string }>("SELECT id FROM users WHERE username LIKE 'meter-m-%' ORDER BY username");
  const funding: Leg[] = [{ account: systemAccount("adjustments"), amount: -FUNDING * BigInt(members.length) }];
  const holds: Leg[] = [];
  for (const member of members) {
    funding.push({ account: userAccount(member.id, "available"), amount: FUNDING });
    holds.push({ account: userAccount(member.id, "available"), amount: -CHARGE_PER_TICK }, { account: userAccount(member.id, "held"), amount: CHARGE_PER_TICK });
  }
  await post(pool, { kind: "ADJUSTMENT", idempotencyKey: "bench-metering-funding", actorId: null, description: "Bench funding", legs: funding });
  await post(pool, { kind: "SHOW_HOLD", idempotencyKey: "bench-metering-holds", actorId: null, description: "Bench show holds", legs: holds });

  // Milliseconds, as a JavaScript Date carries them: tick times computed from it then land on whole seconds.
  const start = new Date((await pool.query<{ now: Date }>("SELECT now() AS now")).rows[0]?.now.getTime() ?? Date.now());
  await pool.query(
    `WITH pairs AS (
       SELECT p.id AS performer_id, m.id AS member_id, gen_random_uuid() AS show_id
         FROM (SELECT id, row_number() OVER (ORDER BY username) AS n FROM users WHERE username LIKE 'meter-p-%') p
         JOIN (SELECT id, row_number() OVER (ORDER BY username) AS n FROM users WHERE username LIKE 'meter-m-%') m USING (n)
     ), shows AS (
       INSERT INTO shows (id, performer_id, kind, status, requested_by_id, price_per_minute, free_seconds, minimum_minutes,
                          increment_seconds, meter_control, settle_threshold, performer_seen_at, started_at, created_at)
       SELECT show_id, performer_id, 'PRIVATE', 'LIVE', member_id, $1, $2, $3, $4, 'AUTOMATIC', $5, $6, $6, $6 FROM pairs
     )
     INSERT INTO show_participants (id, show_id, member_id, status, joined_at, running_since, member_seen_at, held)
     SELECT gen_random_uuid(), show_id, member_id, 'ACTIVE', $6, $6, $6, $5 FROM pairs`,
    [TERMS.pricePerMinute.toString(), TERMS.freeSeconds, TERMS.minimumMinutes, TERMS.incrementSeconds, CHARGE_PER_TICK.toString(), start],
  );
  await pool.query("VACUUM ANALYZE");
  return { start };
}

interface Measured {
  ticks: number;
  wallMs: number;
  appMs: number;
  serverMs: number | null;
}

async function measure(pool: pg.Pool, work: () => Promise<number>): Promise<Measured> {
  const server = await serverCpuMs(pool);
  const app = appCpuMs();
  const started = process.hrtime.bigint();
  const ticks = await work();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const appMs = appCpuMs() - app;
  const serverAfter = await serverCpuMs(pool);
  return { ticks, wallMs, appMs, serverMs: server === null || serverAfter === null ? null : serverAfter - server };
}

async function stampHeartbeats(pool: pg.Pool, at: Date): Promise<void> {
  await pool.query("UPDATE shows SET performer_seen_at = $1 WHERE status = 'LIVE'", [at]);
  await pool.query("UPDATE show_participants SET member_seen_at = $1 WHERE status = 'ACTIVE'", [at]);
}

/** The same tick, one meter per transaction: lock it, price it, post() the charge, write the lot and the meter. */
async function baselineTick(pool: pg.Pool, at: Date): Promise<number> {
  const { rows: sample } = await pool.query<{ id: string }>(
    "SELECT id FROM show_participants WHERE status = 'ACTIVE' ORDER BY id LIMIT $1",
    [BASELINE_SAMPLE],
  );
  let next = 0;
  let charged = 0;
  await Promise.all(
    Array.from({ length: BASELINE_CONCURRENCY }, async () => {
      while (next < sample.length) {
        const participantId = sample[next++]?.id as string;
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const { rows } = await client.query<{ member_id: string; performer_id: string; metered: string; settled: string; held: string; bps: number }>(
            `SELECT p.member_id, s.performer_id, p.settled, p.held,
                    p.metered_seconds + floor(extract(epoch FROM $2::timestamptz - p.running_since)) AS metered,
                    (SELECT performer_share_bps FROM commission_rates WHERE kind = 'PRIVATE_SHOW' AND (performer_id = s.performer_id OR performer_id IS NULL)
                      ORDER BY performer_id IS NULL, effective_from DESC, id DESC LIMIT 1) AS bps
               FROM show_participants p JOIN shows s ON s.id = p.show_id WHERE p.id = $1 FOR UPDATE OF p`,
            [participantId, at],
          );
          const meter = rows[0];
          if (!meter) throw new Error(`participant ${participantId} vanished`);
          const settled = BigInt(meter.settled);
          const charge = chargeFor(Number(meter.metered), TERMS) - settled;
          if (charge > 0n) {
            const held = BigInt(meter.held);
            const fromHeld = charge < held ? charge : held;
            const share = (charge * BigInt(meter.bps)) / 10_000n;
            const legs: Leg[] = [
              ...(fromHeld > 0n ? [{ account: userAccount(meter.member_id, "held"), amount: -fromHeld }] : []),
              ...(charge > fromHeld ? [{ account: userAccount(meter.member_id, "available"), amount: fromHeld - charge }] : []),
              { account: userAccount(meter.performer_id, "pending"), amount: share },
              { account: systemAccount("revenue"), amount: charge - share },
            ];
            const posted = await post(client, {
              kind: "SHOW_CHARGE",
              idempotencyKey: `show-charge:${participantId}:${settled + charge}`,
              actorId: meter.member_id,
              description: "Private show",
              metadata: { saleKind: "PRIVATE_SHOW", amount: charge.toString(), performerShare: share.toString(), rateBps: meter.bps },
              legs,
            });
            await client.query(
              `INSERT INTO earnings_lots (performer_id, sale_kind, transaction_id, amount, remaining, matures_at)
               VALUES ($1, 'PRIVATE_SHOW', $2, $3, $3, now() + interval '7 days')`,
              [meter.performer_id, posted.transactionId.toString(), share.toString()],
            );
            await client.query("UPDATE show_participants SET settled = settled + $2, held = held - $3 WHERE id = $1", [
              participantId,
              charge.toString(),
              fromHeld.toString(),
            ]);
            charged += 1;
          }
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      }
    }),
  );
  return charged;
}

function perTick(measured: Measured): { ticksPerSecond: number; appMs: number; serverMs: number | null; cpuMs: number } {
  const ticksPerSecond = (measured.ticks / measured.wallMs) * 1000;
  const appMs = measured.appMs / measured.ticks;
  const serverMs = measured.serverMs === null ? null : measured.serverMs / measured.ticks;
  return { ticksPerSecond, appMs, serverMs, cpuMs: appMs + (serverMs ?? 0) };
}

function describe(name: string, measured: Measured): string {
  const tick = perTick(measured);
  const server = tick.serverMs === null ? "n/a" : tick.serverMs.toFixed(3);
  return `  ${name.padEnd(30)} ${tick.ticksPerSecond.toFixed(0).padStart(7)} ticks/s  CPU per tick: app ${tick.appMs.toFixed(3)} ms + PostgreSQL ${server} ms`;
}

export async function benchMetering(databaseUrl: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Math.max(4, BASELINE_CONCURRENCY), application_name: APPLICATION });
  pool.on("error", () => undefined);
  try {
    console.log(`metering: ${SESSIONS} concurrent private shows ticking every ${TICK_SECONDS} s (simulated), ${TICKS} ticks, ${BATCH} shows per batch`);
    const { start } = await setUp(pool);
    const tickAt = (tick: number) => new Date(start.getTime() + (tick * TICK_SECONDS + 1) * 1000);

    const batched: Measured = { ticks: 0, wallMs: 0, appMs: 0, serverMs: 0 };
    for (let tick = 0; tick < TICKS; tick++) {
      const at = tickAt(tick);
      await stampHeartbeats(pool, at);
      const run = await measure(pool, async () => {
        const result = await sweepMeters(pool, PARAMS, { at, batchShows: BATCH });
        return result.changes;
      });
      console.log(`    tick ${tick + 1}: ${run.ticks} meters charged in ${run.wallMs.toFixed(0)} ms`);
      if (run.ticks !== SESSIONS) throw new Error(`tick ${tick + 1} charged ${run.ticks} meters, expected ${SESSIONS}`);
      batched.ticks += run.ticks;
      batched.wallMs += run.wallMs;
      batched.appMs += run.appMs;
      batched.serverMs = batched.serverMs === null || run.serverMs === null ? null : batched.serverMs + run.serverMs;
    }
    const { rows: wrong } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM show_participants WHERE settled <> $1", [
      (CHARGE_PER_TICK * BigInt(TICKS)).toString(),
    ]);
    if (wrong[0]?.n !== 0) throw new Error(`${wrong[0]?.n} meters were not charged exactly once per tick`);

    const baselineAt = tickAt(TICKS);
    await stampHeartbeats(pool, baselineAt);
    const baseline = await measure(pool, () => baselineTick(pool, baselineAt));

    console.log(describe(`per-meter post() (baseline, ${BASELINE_CONCURRENCY} connections)`, baseline));
    console.log(describe("batched sweep (shipped)", batched));
    const shipped = perTick(batched);
    const base = perTick(baseline);
    const coreShare = (SHOWS_PER_TICK_NEEDED * shipped.cpuMs) / 1000;
    console.log(
      `  ratio ${(shipped.ticksPerSecond / base.ticksPerSecond).toFixed(2)}x baseline ticks/s; ${SESSIONS} shows need ${SHOWS_PER_TICK_NEEDED.toFixed(0)} ticks/s: ` +
        `${(coreShare * 100).toFixed(1)}% of one core (app + PostgreSQL${shipped.serverMs === null ? ", PostgreSQL CPU not readable" : ""}), ` +
        `sweep busy ${((SHOWS_PER_TICK_NEEDED / shipped.ticksPerSecond) * 100).toFixed(1)}% of the time`,
    );
    const failed = (await checkInvariants(pool)).filter((result) => !result.passed);
    if (failed.length) throw new Error(`invariants failed after the bench: ${failed.map((f) => f.name).join(", ")}`);
    console.log(`RESULT metering sessions=${SESSIONS} ticks_per_s=${shipped.ticksPerSecond.toFixed(0)} cpu_ms_per_tick=${shipped.cpuMs.toFixed(3)}`);
  } finally {
    await pool.end();
  }
}
