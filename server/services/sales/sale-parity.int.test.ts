import { randomUUID } from "node:crypto";
import fc from "fast-check";
import type { PoolClient } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "@/server/db/client";
import { splitSale } from "@/server/domain/commission";
import { effectiveRate, type ScheduledRate } from "@/server/domain/commission-schedule";
import { type EarningsHoldPolicy, holdDaysFor } from "@/server/domain/earnings";
import type { SaleKind } from "@/server/generated/prisma/enums";
import { rolledBack } from "@/server/testing/rolled-back";
import { fundUser, insertUser } from "@/server/testing/factories";
import { SALE_KINDS } from "./commissions";
import { postSale } from "./sales";
import { SETTINGS } from "../settings/settings";

/**
 * ledger_sale applies the sale rules in SQL (commission_rate_at, sale_performer_share, earnings_hold_days); the pure
 * TypeScript in server/domain stays the reference. Each case runs the SQL and the TypeScript on the same input.
 */

afterAll(async () => {
  await closeDb();
});

const MAX_BIGINT = 9_223_372_036_854_775_807n;

describe("sale_performer_share agrees with splitSale", () => {
  it("on the edge cases and a sample of amounts up to the largest bigint, at every kind of rate", async () => {
    const edges: [bigint, number][] = [
      [1n, 0], [1n, 1], [1n, 9999], [1n, 10000], [3n, 5000], [99n, 3333], [101n, 7001], [9_999n, 7000],
      [9_007_199_254_740_993n, 8000], [MAX_BIGINT, 9999], [MAX_BIGINT, 10000], [MAX_BIGINT, 1], [MAX_BIGINT - 1n, 7000],
    ];
    const sampled = fc.sample(
      fc.tuple(
        fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 1n, max: MAX_BIGINT })),
        fc.oneof(fc.constantFrom(0, 1, 5000, 7000, 9999, 10000), fc.integer({ min: 0, max: 10_000 })),
      ),
      2_000,
    );
    const cases = [...edges, ...sampled];
    const { rows } = await pool.query<{ share: string }>(
      `SELECT sale_performer_share(c.amount, c.bps) AS share
         FROM unnest($1::bigint[], $2::int[]) WITH ORDINALITY AS c(amount, bps, n) ORDER BY c.n`,
      [cases.map(([amount]) => amount.toString()), cases.map(([, bps]) => bps)],
    );
    const mismatches = cases.flatMap(([amount, bps], index) => {
      const expected = splitSale(amount, bps).performer;
      const actual = BigInt(rows[index]?.share ?? "-1");
      return actual === expected ? [] : [{ amount, bps, expected, actual }];
    });
    expect(mismatches).toEqual([]);
  });
});

const DAY_MS = 86_400_000;
type Row = [performer: "p1" | "p2" | null, bps: number, fromDay: number, kind?: SaleKind];

describe("commission_rate_at agrees with effectiveRate", () => {
  // Schedules as days from a fixed origin, read at several days; "p3" never has an override.
  it.each<[string, Row[]]>([
    ["defaults only", [[null, 8000, 0], [null, 7500, 10]]],
    ["overrides and defaults interleaved", [[null, 8000, 0], [null, 7500, 10], ["p1", 9000, 5], ["p1", 8500, 20], ["p2", 9500, 15]]],
    ["two rows starting at the same instant: the later one wins", [[null, 8000, 0], [null, 8200, 0], ["p1", 9100, 3], ["p1", 9200, 3]]],
    ["an override before any default", [["p1", 6000, 0], [null, 7000, 5]]],
    ["other kinds are ignored", [[null, 8000, 0], [null, 1000, 0, "PRIVATE_SHOW"], ["p1", 2000, 0, "STORE"]]],
    ["extreme rates", [[null, 0, 0], ["p1", 10000, 2], ["p2", 1, 4]]],
    ["no rate at all", []],
  ])("%s", async (_name, schedule) => {
    const origin = new Date(Date.UTC(2026, 0, 1));
    const at = (day: number) => new Date(origin.getTime() + day * DAY_MS);
    const readAt = [-1, 0, 1, 3, 4, 5, 6, 10, 14, 15, 20, 25].flatMap((day) => [at(day), new Date(at(day).getTime() - 1)]);
    const { expected, actual } = await rolledBack(async (db) => {
      const performers = { p1: await insertUser(db, "PERFORMER"), p2: await insertUser(db, "PERFORMER"), p3: await insertUser(db, "PERFORMER") };
      await db.query("DELETE FROM commission_rates");
      const rates: ScheduledRate[] = [];
      for (const [who, bps, day, kind = "TIP"] of schedule) {
        const rate = { kind, performerId: who ? performers[who] : null, performerShareBps: bps, effectiveFrom: at(day) };
        await db.query(
          `INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from) VALUES ($1::"SaleKind", $2, $3, $4)`,
          [rate.kind, rate.performerId, rate.performerShareBps, rate.effectiveFrom],
        );
        rates.push(rate);
      }
      const questions = Object.values(performers).flatMap((performerId) => readAt.map((when) => ({ performerId, when })));
      const { rows } = await db.query<{ bps: number | null }>(
        `SELECT commission_rate_at('TIP', q.performer_id, q.at) AS bps
           FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS q(performer_id, at, n) ORDER BY q.n`,
        [questions.map((q) => q.performerId), questions.map((q) => q.when)],
      );
      return {
        expected: questions.map((q) => effectiveRate(rates, "TIP", q.performerId, q.when)?.performerShareBps ?? null),
        actual: rows.map((row) => row.bps),
      };
    });
    expect(actual).toEqual(expected);
  });
});

describe("earnings_hold_days agrees with holdDaysFor", () => {
  const policies: [string, EarningsHoldPolicy | null][] = [
    ["no setting stored: the default policy", null],
    ["a default only", { defaultDays: 3, byKind: {} }],
    ["a hold per kind for some kinds", { defaultDays: 10, byKind: { TIP: 2, STORE: 14, MEMBERSHIP: 0 } }],
    ["zero days everywhere", { defaultDays: 0, byKind: { CONTENT: 0 } }],
    ["the longest holds", { defaultDays: 365, byKind: { PAYMENT_REQUEST_GOODS: 365, PRIVATE_SHOW: 1 } }],
  ];
  it.each(policies)("%s", async (_name, policy) => {
    const actual = await rolledBack(async (db) => {
      await db.query("DELETE FROM platform_settings WHERE key = 'earningsHold'");
      if (policy) await db.query(`INSERT INTO platform_settings (key, value) VALUES ('earningsHold', $1::jsonb)`, [JSON.stringify(policy)]);
      const { rows } = await db.query<{ days: number }>(
        `SELECT earnings_hold_days(k.kind::"SaleKind", $2::jsonb) AS days FROM unnest($1::text[]) WITH ORDINALITY AS k(kind, n) ORDER BY k.n`,
        [SALE_KINDS, JSON.stringify(SETTINGS.earningsHold.default)],
      );
      return rows.map((row) => row.days);
    });
    expect(actual).toEqual(SALE_KINDS.map((kind) => holdDaysFor(policy ?? SETTINGS.earningsHold.default, kind)));
  });
});

/** What a sale's terms are in a case: the default rate, an override for the performer, and the hold policy. */
interface SaleTerms {
  override?: number;
  defaultBps: number;
  holdDays: EarningsHoldPolicy;
  kind: SaleKind;
}

/** Sets a case's terms in its rolled-back transaction: a default rate from yesterday, an override from an hour ago, the hold. */
async function arrangeTerms(db: PoolClient, performer: string, terms: SaleTerms): Promise<void> {
  await db.query(`INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from) VALUES ($1::"SaleKind", NULL, $2, now() - interval '1 day')`, [terms.kind, terms.defaultBps]);
  if (terms.override !== undefined) {
    await db.query(`INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from) VALUES ($1::"SaleKind", $2, $3, now() - interval '1 hour')`, [terms.kind, performer, terms.override]);
  }
  await db.query(
    `INSERT INTO platform_settings (key, value) VALUES ('earningsHold', $1::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [JSON.stringify(terms.holdDays)],
  );
}

describe("ledger_sale posts what the TypeScript rules say", () => {
  it.each<[string, bigint, SaleTerms]>([
    ["one credit at the default rate", 1n, { defaultBps: 7000, holdDays: { defaultDays: 7, byKind: {} }, kind: "TIP" }],
    ["an odd amount under an override", 99n, { override: 3333, defaultBps: 7000, holdDays: { defaultDays: 7, byKind: { TIP: 2 } }, kind: "TIP" }],
    ["a huge amount", 9_007_199_254_740_993n, { defaultBps: 8000, holdDays: { defaultDays: 5, byKind: { STORE: 14 } }, kind: "STORE" }],
    ["all to the performer", 10n, { override: 10000, defaultBps: 0, holdDays: { defaultDays: 1, byKind: {} }, kind: "CONTENT" }],
    ["all to the platform (no lot)", 10n, { defaultBps: 0, holdDays: { defaultDays: 1, byKind: {} }, kind: "MEMBERSHIP" }],
  ])("%s", async (_name, amount, setup) => {
    await rolledBack(async (db) => {
      const buyer = await insertUser(db, "MEMBER");
      const performer = await insertUser(db, "PERFORMER");
      await fundUser(db, buyer, amount);
      await arrangeTerms(db, performer, setup);
      const sale = {
        kind: "TIP" as const,
        saleKind: setup.kind,
        buyerId: buyer,
        performerId: performer,
        amount,
        idempotencyKey: `parity:${randomUUID()}`,
        request: { amount },
        description: "Parity sale",
      };
      const first = await postSale(db, sale);
      const replay = await postSale(db, sale);
      const { rows } = await db.query<{ now: Date }>("SELECT now()");
      const expected = splitSale(amount, setup.override ?? setup.defaultBps);
      const expectedLot = expected.performer > 0n ? new Date((rows[0]?.now as Date).getTime() + holdDaysFor(setup.holdDays, setup.kind) * DAY_MS) : null;
      expect(first).toMatchObject({ replayed: false, split: expected, maturesAt: expectedLot });
      expect(replay).toEqual({ ...first, replayed: true });
    });
  });
});

/**
 * ledger_sale's fast path (one statement for the common sale) and its general path (ledger_post and the lot) must
 * write the same rows and refuse alike. Each case posts the same sale both ways in one transaction, so now() and the
 * rate schedule are the same for both; tipmeter.sale_path = 'general' sends a sale down the general path, and the
 * count of ledger_post calls in the transaction (pg_stat_xact_user_functions) shows which path each one took.
 */
describe("ledger_sale's fast path posts and refuses exactly as its general path", () => {
  type Path = "fast" | "general";

  async function ledgerPostCalls(db: PoolClient): Promise<number> {
    const { rows } = await db.query<{ calls: string | null }>(
      "SELECT sum(calls) AS calls FROM pg_stat_xact_user_functions WHERE funcname = 'ledger_post'",
    );
    return Number(rows[0]?.calls ?? 0);
  }

  /** Posts through one path and returns what it wrote, with the ids of the rows it wrote left out. */
  async function postVia(db: PoolClient, path: Path, sale: Parameters<typeof postSale>[1]) {
    await db.query("SELECT set_config('tipmeter.sale_path', $1, true), set_config('track_functions', 'pl', true)", [path]);
    const accounts = [`user:${sale.buyerId}:available:CRD`, `user:${sale.performerId}:pending:CRD`, "system:revenue:CRD"];
    const balances = () =>
      db
        .query<{ code: string; balance: string }>(
          `SELECT a.code, (a.balance + coalesce((SELECT sum(d.amount) FROM ledger_unfolded_deltas d WHERE d.account_id = a.id), 0))::text AS balance
             FROM ledger_accounts a WHERE a.code = ANY ($1) ORDER BY a.code`,
          [accounts],
        )
        .then(({ rows }) => rows);
    const callsBefore = await ledgerPostCalls(db);
    const before = await balances();
    await db.query("SAVEPOINT attempt");
    try {
      const result = await postSale(db, sale);
      await db.query("RELEASE SAVEPOINT attempt");
      const after = await balances();
      const { rows: tx } = await db.query(
        `SELECT kind, description, metadata, actor_id, request_hash, reverses_id FROM ledger_transactions WHERE id = $1`,
        [result.transactionId.toString()],
      );
      const { rows: entries } = await db.query(
        `SELECT account_id, amount::text, currency FROM ledger_entries WHERE transaction_id = $1 ORDER BY id`,
        [result.transactionId.toString()],
      );
      const { rows: lots } = await db.query(
        `SELECT performer_id, sale_kind, amount::text, remaining::text, matures_at FROM earnings_lots WHERE transaction_id = $1`,
        [result.transactionId.toString()],
      );
      const moved = before.map((row, index) => ({ code: row.code, by: BigInt(after[index]?.balance ?? "0") - BigInt(row.balance) }));
      return {
        outcome: { ...result, transactionId: undefined },
        tx: tx[0],
        entries,
        lots,
        moved,
        postedThroughLedgerPost: (await ledgerPostCalls(db)) > callsBefore,
      };
    } catch (error) {
      await db.query("ROLLBACK TO SAVEPOINT attempt");
      const refusal = error as { code?: string; message?: string };
      const unchanged = JSON.stringify(await balances()) === JSON.stringify(before);
      return { refusal: { code: refusal.code, message: refusal.message }, unchanged };
    }
  }

  const accepted: [string, bigint, SaleTerms][] = [
    ["a tip at the default rate", 25n, { defaultBps: 7000, holdDays: { defaultDays: 7, byKind: {} }, kind: "TIP" }],
    ["an odd amount under an override and a hold per kind", 99n, { override: 3333, defaultBps: 7000, holdDays: { defaultDays: 7, byKind: { CONTENT: 2 } }, kind: "CONTENT" }],
    ["a huge amount", 9_007_199_254_740_993n, { defaultBps: 8000, holdDays: { defaultDays: 5, byKind: { STORE: 14 } }, kind: "STORE" }],
    ["all to the performer (no revenue leg)", 10n, { override: 10000, defaultBps: 0, holdDays: { defaultDays: 1, byKind: {} }, kind: "MEMBERSHIP" }],
    ["all to the platform (no pending leg, no lot)", 10n, { defaultBps: 0, holdDays: { defaultDays: 1, byKind: {} }, kind: "PRIVATE_SHOW" }],
  ];

  it.each(accepted)("%s", async (_name, amount, setup) => {
    await rolledBack(async (db) => {
      const buyer = await insertUser(db, "MEMBER");
      const performer = await insertUser(db, "PERFORMER");
      await fundUser(db, buyer, 2n * amount);
      await arrangeTerms(db, performer, setup);
      const sale = (path: Path) => ({
        kind: "TIP" as const,
        saleKind: setup.kind,
        buyerId: buyer,
        performerId: performer,
        amount,
        idempotencyKey: `parity:${path}:${randomUUID()}`,
        request: { amount },
        description: "Parity sale",
        metadata: { note: "same either way" },
      });
      const fast = await postVia(db, "fast", sale("fast"));
      const general = await postVia(db, "general", sale("general"));
      expect(fast).toMatchObject({ postedThroughLedgerPost: false });
      expect(general).toMatchObject({ postedThroughLedgerPost: true });
      expect({ ...fast, postedThroughLedgerPost: undefined }).toEqual({ ...general, postedThroughLedgerPost: undefined });
      expect(fast).toMatchObject({ outcome: { replayed: false }, moved: expect.arrayContaining([{ code: `user:${buyer}:available:CRD`, by: -amount }]) });
    });
  });

  it.each<[string, (db: PoolClient, ids: { buyer: string; performer: string }) => Promise<void>, bigint]>([
    ["insufficient funds", async () => undefined, 1_000n],
    ["a restricted (negative) wallet", (db, { buyer }) => db.query(`UPDATE ledger_accounts SET balance = -5, restricted = true WHERE code = $1`, [`user:${buyer}:available:CRD`]).then(() => undefined), 5n],
    ["no rate in effect", (db) => db.query("DELETE FROM commission_rates WHERE kind = 'TIP'").then(() => undefined), 5n],
    ["a wallet type whose rules leave tips out", (db) => db.query(`UPDATE wallet_types SET pays_for = array_remove(pays_for, 'TIPS') WHERE id = 'credits'`).then(() => undefined), 5n],
    [
      "a buyer who owes a card tab",
      (db, { buyer, performer }) =>
        db
          .query(
            `INSERT INTO card_tabs (id, member_id, live_member_id, performer_id, status, currency, credit_price_minor, limit_credits, due_credits)
             VALUES (gen_random_uuid(), $1, $1, $2, 'PAYMENT_DUE', 'usd', 10, 200, 40)`,
            [buyer, performer],
          )
          .then(() => undefined),
      5n,
    ],
  ])("refuses alike: %s", async (_name, arrange, amount) => {
    await rolledBack(async (db) => {
      const buyer = await insertUser(db, "MEMBER");
      const performer = await insertUser(db, "PERFORMER");
      await fundUser(db, buyer, 100n);
      await db.query(`INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from) VALUES ('TIP', NULL, 7000, now() - interval '1 day')`);
      await arrange(db, { buyer, performer });
      const sale = (path: Path) => ({
        kind: "TIP" as const,
        saleKind: "TIP" as const,
        buyerId: buyer,
        performerId: performer,
        amount,
        idempotencyKey: `parity-refusal:${path}`,
        request: { amount },
        description: "Refused sale",
      });
      const fast = await postVia(db, "fast", sale("fast"));
      const general = await postVia(db, "general", sale("general"));
      expect(fast).toMatchObject({ refusal: { code: expect.any(String), message: expect.any(String) }, unchanged: true });
      expect(fast).toEqual(general);
    });
  });

  it("replays a key alike, and refuses the key for another request alike", async () => {
    await rolledBack(async (db) => {
      const buyer = await insertUser(db, "MEMBER");
      const performer = await insertUser(db, "PERFORMER");
      await fundUser(db, buyer, 100n);
      await db.query(`INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from) VALUES ('TIP', NULL, 7000, now() - interval '1 day')`);
      const sale = { kind: "TIP" as const, saleKind: "TIP" as const, buyerId: buyer, performerId: performer, amount: 9n, idempotencyKey: "parity-replay", request: { amount: 9n }, description: "Sale" };
      const first = await postVia(db, "fast", sale);
      for (const path of ["fast", "general"] as const) {
        expect(await postVia(db, path, sale)).toEqual({ ...first, outcome: { ...first.outcome, replayed: true }, moved: first.moved?.map((m) => ({ ...m, by: 0n })), postedThroughLedgerPost: true });
        expect(await postVia(db, path, { ...sale, amount: 8n, request: { amount: 8n } })).toMatchObject({
          refusal: { code: "CONFLICT" },
          unchanged: true,
        });
      }
    });
  });
});
