import "server-only";
/**
 * Earnings' SQL, each statement typed and covered by earnings.int.test.ts or wallet-history.int.test.ts: the
 * maturity run's picks, locks and marks (inside the posting's transaction), and the dashboard's reports, which
 * aggregate ledger entries at the database's clock.
 */
import type { Queryable } from "@/server/db/transaction";
import type { SaleKind, TransactionKind } from "@/server/generated/prisma/enums";
import { historyGroupKeySql } from "@/server/ledger/history-groups";

/** Performers with lots due by `at` (the database's now when null), those waiting longest first. */
export async function performersWithDueLots(db: Queryable, at: Date | null, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ performer_id: string }>(
    `SELECT performer_id FROM earnings_lots
      WHERE matures_at <= coalesce($1::timestamptz, now()) AND remaining > 0 AND matured_at IS NULL
      GROUP BY performer_id ORDER BY min(matures_at), performer_id LIMIT $2`,
    [at, limit],
  );
  return rows.map((row) => row.performer_id);
}

export interface DueLotRow {
  id: string;
  remaining: string;
}

/** Locks the performer's due lots, skipping those another run or a refund holds. */
export async function lockDueLots(db: Queryable, performerId: string, at: Date | null, limit: number): Promise<DueLotRow[]> {
  const { rows } = await db.query<DueLotRow>(
    `SELECT id, remaining FROM earnings_lots
      WHERE performer_id = $1 AND matures_at <= coalesce($2::timestamptz, now()) AND remaining > 0 AND matured_at IS NULL
      ORDER BY id LIMIT $3
      FOR UPDATE SKIP LOCKED`,
    [performerId, at, limit],
  );
  return rows;
}

/** Marks lots as moved to available by the maturation posting. */
export async function markLotsMatured(db: Queryable, lotIds: readonly string[], transactionId: bigint): Promise<void> {
  await db.query("UPDATE earnings_lots SET remaining = 0, matured_at = now(), matured_transaction_id = $2 WHERE id = ANY($1::bigint[])", [
    lotIds,
    transactionId.toString(),
  ]);
}

/** The database's clock, which the reports' ranges follow. */
export async function databaseNow(db: Queryable): Promise<Date> {
  const clock = await db.query<{ now: Date }>("SELECT now() AS now");
  return clock.rows[0]?.now ?? new Date();
}

/**
 * One row per entry that a sale (any posting whose metadata names a saleKind and this performer) or a refund of
 * one made on the performer's accounts: positive shares credited to pending, negative shares taken back from
 * pending or the Earnings wallet (or, before wallets, available). The buyer of a refund is the buyer of the sale it reverses. A disputed card purchase's
 * posting (and its release when won) names, in `saleKinds`, each performer whose earnings it took and the kind
 * of sale, and the buyer in `buyerId`. $1 is the performer. `sale_key` names the sale as the history does: a
 * show's partial charges are one sale, counted once. The business revenue report (server/services/revenue) reads
 * the same entries, so its totals are these.
 */
export const EARNING_ENTRIES_SQL = `
  SELECT e.id AS entry_id, e.amount, e.created_at, t.id AS transaction_id, t.kind, t.metadata, t.description,
         sale.metadata AS reversed_metadata,
         coalesce(t.metadata->>'saleKind', t.metadata->'saleKinds'->>($1::uuid)::text) AS sale_kind,
         coalesce(sale.actor_id, t.actor_id, (t.metadata->>'buyerId')::uuid) AS buyer_id,
         ${historyGroupKeySql("t", "sale")} AS sale_key
    FROM ledger_accounts a
    JOIN ledger_entries e ON e.account_id = a.id
    JOIN ledger_transactions t ON t.id = e.transaction_id
    LEFT JOIN ledger_transactions sale ON sale.id = t.reverses_id
   WHERE a.owner_id = $1 AND a.type IN ('PENDING', 'EARNINGS', 'AVAILABLE')
     AND ((t.metadata ? 'saleKind' AND t.metadata->>'performerId' = $1::text) OR t.metadata->'saleKinds' ? $1::text)`;

export interface EarningsRange {
  performerId: string;
  from: Date;
  /** Exclusive. */
  to: Date;
}

const inRange = `WITH earning AS (${EARNING_ENTRIES_SQL} AND e.created_at >= $2 AND e.created_at < $3)`;
const rangeParams = (range: EarningsRange) => [range.performerId, range.from, range.to];

/** Net earnings per bucket of `granularity` (a date_trunc unit, UTC); buckets without entries are absent. */
export async function earningsByBucket(db: Queryable, range: EarningsRange, granularity: string): Promise<{ bucket: Date; net: string }[]> {
  const { rows } = await db.query<{ bucket: Date; net: string }>(
    `${inRange} SELECT date_trunc($4, created_at, 'UTC') AS bucket, sum(amount) AS net FROM earning GROUP BY 1`,
    [...rangeParams(range), granularity],
  );
  return rows;
}

export interface EarningsTotalsRow {
  earned: string;
  refunded: string;
  sales: number;
}

export async function earningsTotals(db: Queryable, range: EarningsRange): Promise<EarningsTotalsRow | undefined> {
  const { rows } = await db.query<EarningsTotalsRow>(
    `${inRange}
     SELECT coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS earned,
            coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS refunded,
            (count(DISTINCT sale_key) FILTER (WHERE amount > 0))::int AS sales
       FROM earning`,
    rangeParams(range),
  );
  return rows[0];
}

export async function earningsBySaleKind(db: Queryable, range: EarningsRange): Promise<{ sale_kind: SaleKind; net: string; sales: number }[]> {
  const { rows } = await db.query<{ sale_kind: SaleKind; net: string; sales: number }>(
    `${inRange}
     SELECT sale_kind, sum(amount) AS net, (count(DISTINCT sale_key) FILTER (WHERE amount > 0))::int AS sales
       FROM earning GROUP BY sale_kind ORDER BY sum(amount) DESC, sale_kind`,
    rangeParams(range),
  );
  return rows;
}

export interface SupporterRow {
  buyer_id: string;
  display_name: string | null;
  net: string;
  sales: number;
}

/** The buyers whose purchases left the performer most, net of refunds. */
export async function topSupporterRows(db: Queryable, range: EarningsRange, limit: number): Promise<SupporterRow[]> {
  const { rows } = await db.query<SupporterRow>(
    `${inRange}
     SELECT x.buyer_id, u.display_name, sum(x.amount) AS net,
            (count(DISTINCT x.sale_key) FILTER (WHERE x.amount > 0))::int AS sales
       FROM earning x LEFT JOIN users u ON u.id = x.buyer_id
      WHERE x.buyer_id IS NOT NULL
      GROUP BY x.buyer_id, u.display_name
     HAVING sum(x.amount) > 0
      ORDER BY sum(x.amount) DESC, x.buyer_id LIMIT $4`,
    [...rangeParams(range), limit],
  );
  return rows;
}

export interface RecentEarningRow {
  entry_id: string;
  transaction_id: string;
  kind: TransactionKind;
  sale_kind: SaleKind;
  amount: string;
  metadata: { amount?: string; message?: string | null };
  display_name: string | null;
  created_at: Date;
  matures_at: Date | null;
  matured_at: Date | null;
}

/** The performer's latest earning entries, newest first, with the buyer and the sale's lot. */
export async function recentEarningRows(db: Queryable, performerId: string, limit: number): Promise<RecentEarningRow[]> {
  const { rows } = await db.query<RecentEarningRow>(
    `SELECT x.entry_id, x.transaction_id, x.kind, x.sale_kind, x.amount, x.metadata, x.created_at, u.display_name,
            l.matures_at, l.matured_at
       FROM (${EARNING_ENTRIES_SQL} ORDER BY e.id DESC LIMIT $2) x
       LEFT JOIN users u ON u.id = x.buyer_id
       LEFT JOIN earnings_lots l ON l.transaction_id = x.transaction_id AND l.performer_id = $1 AND x.amount > 0
      ORDER BY x.entry_id DESC`,
    [performerId, limit],
  );
  return rows;
}

export interface MaturityDayRow {
  day: Date;
  amount: string;
  sales: number;
  first_matures_at: Date;
}

/** What is still pending, by the UTC day it matures (a grouping Prisma's groupBy cannot express), soonest first. */
export async function maturityScheduleRows(db: Queryable, performerId: string, days: number): Promise<MaturityDayRow[]> {
  const { rows } = await db.query<MaturityDayRow>(
    `SELECT date_trunc('day', matures_at, 'UTC') AS day, sum(remaining) AS amount, count(*)::int AS sales,
            min(matures_at) AS first_matures_at
       FROM earnings_lots
      WHERE performer_id = $1 AND matured_at IS NULL AND remaining > 0
      GROUP BY 1 ORDER BY 1 LIMIT $2`,
    [performerId, days],
  );
  return rows;
}
