import "server-only";
/** Performer earnings: maturing pending lots after their hold, and the dashboard's reports read from the ledger. */
import { createHash } from "node:crypto";
import { z } from "zod";
import { pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { type BucketTotal, EARNINGS_GRANULARITIES, type EarningsGranularity, fillBuckets, periodRange } from "@/server/domain/earnings-report";
import { DomainError, isDomainError } from "@/server/domain/errors";
import { userAccount } from "@/server/domain/ledger";
import type { Role, SaleKind, TransactionKind } from "@/server/generated/prisma/enums";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import {
  databaseNow,
  earningsByBucket,
  earningsBySaleKind,
  earningsTotals,
  lockDueLots,
  markLotsMatured,
  maturityScheduleRows,
  performersWithDueLots,
  recentEarningRows,
  topSupporterRows,
} from "./queries";

/**
 * A performer's earnings: their share of each sale waits in pending, one earnings lot per sale (written by
 * postSale), until the lot's hold ends; maturation then moves it to available, where it can be withdrawn. The
 * dashboard reads earnings straight from the ledger: the entries that sales post to the performer's accounts,
 * net of the refunds that took them back. Job code imports this module: nothing here may pull in next/*.
 */

export interface MaturedBatch {
  performerId: string;
  transactionId: bigint;
  lots: number;
  amount: bigint;
}

export interface MaturationRun {
  batches: MaturedBatch[];
  /** Performers whose due lots could not move (a ledger refusal), left for a later run and logged. */
  refused: { performerId: string; reason: string }[];
}

export const DEFAULT_MATURATION_LIMIT = 500;

/** The same lots always make the same key, so a posting can never move them twice. */
function maturationKey(performerId: string, lotIds: readonly string[]): string {
  const digest = createHash("sha256").update(lotIds.join(",")).digest("hex").slice(0, 32);
  return `earnings-matured:${performerId}:${digest}`;
}

/**
 * Moves every due lot's remaining share from pending to available: one EARNINGS_MATURED posting per performer,
 * each in a database transaction of its own with the lots it marks, so a busy performer's pending account is
 * locked only for its own batch and performers never wait on each other. Lots are locked FOR UPDATE SKIP LOCKED:
 * concurrent runs take disjoint lots, and a lot a refund is taking from (refundSale locks it FOR UPDATE) waits
 * for the next run, after which the refund has already lowered what remains. `at` stands in for the clock
 * (tests, demo data); `limit` caps the lots moved in one run. Each move writes its wallet update to the outbox.
 */
export async function matureDueEarnings(options: {
  at?: Date;
  limit?: number;
  /** False where no realtime server runs yet (the demo seed); performers' pages catch up when they reconnect. */
  announce?: boolean;
} = {}): Promise<MaturationRun> {
  const at = options.at ?? null;
  let budget = options.limit ?? DEFAULT_MATURATION_LIMIT;
  const performers = await performersWithDueLots(pool, at, budget);
  const run: MaturationRun = { batches: [], refused: [] };
  for (const performerId of performers) {
    if (budget <= 0) break;
    try {
      const batch = await maturePerformerLots(performerId, at, budget, options.announce !== false);
      if (!batch) continue;
      run.batches.push(batch);
      budget -= batch.lots;
    } catch (error) {
      // One performer's refusal (a pending balance an adjustment took below their lots) must not hold up the rest.
      if (!isDomainError(error)) throw error;
      console.error(`[earnings] lots of ${performerId} not matured: ${error.message}`);
      run.refused.push({ performerId, reason: error.message });
      continue;
    }
  }
  return run;
}

async function maturePerformerLots(performerId: string, at: Date | null, limit: number, announce: boolean): Promise<MaturedBatch | null> {
  return withTransaction(pool, async (db) => {
    const lots = await lockDueLots(db, performerId, at, limit);
    if (lots.length === 0) return null;
    const lotIds = lots.map((lot) => lot.id);
    const amount = lots.reduce((sum, lot) => sum + BigInt(lot.remaining), 0n);
    const posted = await post(db, {
      kind: "EARNINGS_MATURED",
      idempotencyKey: maturationKey(performerId, lotIds),
      request: { performerId, lots: lots.map((lot) => [lot.id, lot.remaining]) },
      actorId: null,
      description: lots.length === 1 ? "Earnings from 1 sale now available" : `Earnings from ${lots.length} sales now available`,
      metadata: { performerId, lotIds },
      legs: [
        { account: userAccount(performerId, "pending"), amount: -amount },
        { account: userAccount(performerId, "earnings"), amount },
      ],
    });
    await markLotsMatured(db, lotIds, posted.transactionId);
    if (announce) await enqueue(db, [{ key: `earnings-matured:${posted.transactionId}:wallet`, kind: "wallet-update", userId: performerId }]);
    return { performerId, transactionId: posted.transactionId, lots: lots.length, amount };
  });
}

/** Whose earnings a caller may read: a performer only their own; an admin any performer's, named by id. */
export async function earningsOwnerFor(viewer: { id: string; role: Role }, performerId: string | undefined): Promise<string> {
  if (viewer.role === "PERFORMER") {
    if (performerId !== undefined && performerId !== viewer.id) throw new DomainError("FORBIDDEN", "You can only see your own earnings.");
    return viewer.id;
  }
  if (viewer.role !== "ADMIN") throw new DomainError("FORBIDDEN", "Only performers have earnings.");
  if (performerId === undefined) throw new DomainError("BAD_REQUEST", "Choose the performer whose earnings to show.");
  const performers = await prisma.user.count({ where: { id: performerId, role: "PERFORMER" } });
  if (performers === 0) throw new DomainError("NOT_FOUND", "No performer has that id.");
  return performerId;
}

export const earningsOverviewSchema = z.object({
  granularity: z.enum(EARNINGS_GRANULARITIES).default("day"),
  performerId: z.uuid().optional(),
});

export interface EarningsOverview {
  granularity: EarningsGranularity;
  from: Date;
  to: Date;
  /** Net earnings per bucket, oldest first, every bucket of the range present. */
  series: BucketTotal[];
  totals: {
    /** Shares credited by sales in the range. */
    earned: bigint;
    /** Shares taken back by refunds in the range. */
    refunded: bigint;
    net: bigint;
    sales: number;
  };
  byKind: { saleKind: SaleKind; net: bigint; sales: number }[];
  topSupporters: { userId: string; displayName: string; net: bigint; sales: number }[];
}

const TOP_SUPPORTERS = 5;

/** Earnings over the range a chart of `granularity` shows at the database's clock, aggregated in SQL (UTC). */
export async function earningsOverview(performerId: string, granularity: EarningsGranularity): Promise<EarningsOverview> {
  const range = periodRange(granularity, await databaseNow(pool));
  const earnings = { performerId, from: range.from, to: range.to };
  const [series, total, byKind, supporters] = await Promise.all([
    earningsByBucket(pool, earnings, granularity),
    earningsTotals(pool, earnings),
    earningsBySaleKind(pool, earnings),
    topSupporterRows(pool, earnings, TOP_SUPPORTERS),
  ]);
  const earned = BigInt(total?.earned ?? 0);
  const refunded = BigInt(total?.refunded ?? 0);
  return {
    granularity,
    from: range.from,
    to: range.to,
    series: fillBuckets(range, series.map((row) => ({ start: row.bucket, amount: BigInt(row.net) }))),
    totals: { earned, refunded, net: earned - refunded, sales: total?.sales ?? 0 },
    byKind: byKind.map((row) => ({ saleKind: row.sale_kind, net: BigInt(row.net), sales: row.sales })),
    topSupporters: supporters.map((row) => ({
      userId: row.buyer_id,
      displayName: row.display_name ?? "A former member",
      net: BigInt(row.net),
      sales: row.sales,
    })),
  };
}

export const recentEarningsSchema = z.object({
  performerId: z.uuid().optional(),
  limit: z.number().int().min(1).max(50).default(20),
});

export interface RecentEarning {
  entryId: bigint;
  transactionId: bigint;
  kind: TransactionKind;
  saleKind: SaleKind;
  /** The performer's share: positive for a sale, negative for a refund taking it back. */
  amount: bigint;
  /** What the buyer paid, for a sale. */
  saleAmount: bigint | null;
  fromDisplayName: string;
  message: string | null;
  at: Date;
  /** When the sale's share leaves pending (null for a refund). */
  maturesAt: Date | null;
  maturedAt: Date | null;
}

/** The latest sales and refunds on the performer's earnings, newest first. */
export async function recentEarnings(performerId: string, limit: number): Promise<RecentEarning[]> {
  const rows = await recentEarningRows(pool, performerId, limit);
  return rows.map((row) => {
    const amount = BigInt(row.amount);
    return {
      entryId: BigInt(row.entry_id),
      transactionId: BigInt(row.transaction_id),
      kind: row.kind,
      saleKind: row.sale_kind,
      amount,
      saleAmount: amount > 0n && row.metadata.amount ? BigInt(row.metadata.amount) : null,
      fromDisplayName: row.display_name ?? "A former member",
      message: row.metadata.message ?? null,
      at: row.created_at,
      maturesAt: row.matures_at,
      maturedAt: row.matured_at,
    };
  });
}

export interface MaturingEarnings {
  pending: bigint;
  available: bigint;
  /** What is still pending, by the UTC day it matures, soonest first. */
  schedule: { day: Date; amount: bigint; sales: number; firstMaturesAt: Date }[];
}

const SCHEDULE_DAYS = 60;

export async function maturingEarnings(performerId: string): Promise<MaturingEarnings> {
  const [balances, rows] = await Promise.all([walletBalances(pool, performerId), maturityScheduleRows(pool, performerId, SCHEDULE_DAYS)]);
  return {
    pending: balances.pending,
    available: balances.earnings,
    schedule: rows.map((row) => ({ day: row.day, amount: BigInt(row.amount), sales: row.sales, firstMaturesAt: row.first_matures_at })),
  };
}
