/**
 * The calendar of a performer's earnings dashboard: which buckets a chart shows and how their totals line up.
 * Buckets are UTC and start where PostgreSQL's date_trunc(granularity, t, 'UTC') puts them (weeks on Monday), so
 * totals grouped in SQL fall exactly on the starts computed here.
 */

export const EARNINGS_GRANULARITIES = ["day", "week", "month"] as const;
export type EarningsGranularity = (typeof EARNINGS_GRANULARITIES)[number];

/** How many buckets a chart shows, ending with the current one. */
export const BUCKETS_SHOWN: Record<EarningsGranularity, number> = { day: 30, week: 12, month: 12 };

const DAY_MS = 86_400_000;

export function bucketStart(at: Date, granularity: EarningsGranularity): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  switch (granularity) {
    case "day":
      return new Date(day);
    case "week": {
      const daysSinceMonday = (at.getUTCDay() + 6) % 7;
      return new Date(day - daysSinceMonday * DAY_MS);
    }
    case "month":
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  }
}

/** The start of the bucket `count` buckets after (or before, if negative) the one starting at `start`. */
export function addBuckets(start: Date, granularity: EarningsGranularity, count: number): Date {
  switch (granularity) {
    case "day":
      return new Date(start.getTime() + count * DAY_MS);
    case "week":
      return new Date(start.getTime() + count * 7 * DAY_MS);
    case "month":
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + count, 1));
  }
}

export interface PeriodRange {
  granularity: EarningsGranularity;
  /** Start of the first bucket. */
  from: Date;
  /** End of the current bucket (exclusive). */
  to: Date;
  /** Each bucket's start, oldest first. */
  starts: Date[];
}

/** The buckets a chart shows at `now`: BUCKETS_SHOWN of them, the last one containing `now`. */
export function periodRange(granularity: EarningsGranularity, now: Date): PeriodRange {
  const current = bucketStart(now, granularity);
  const count = BUCKETS_SHOWN[granularity];
  const starts = Array.from({ length: count }, (_, index) => addBuckets(current, granularity, index - count + 1));
  return { granularity, from: starts[0] ?? current, to: addBuckets(current, granularity, 1), starts };
}

export interface BucketTotal {
  start: Date;
  amount: bigint;
}

/** One total per bucket of the range, oldest first: buckets with no earnings are zero; totals outside are dropped. */
export function fillBuckets(range: PeriodRange, totals: readonly BucketTotal[]): BucketTotal[] {
  const byStart = new Map<number, bigint>();
  for (const total of totals) {
    const key = total.start.getTime();
    byStart.set(key, (byStart.get(key) ?? 0n) + total.amount);
  }
  return range.starts.map((start) => ({ start, amount: byStart.get(start.getTime()) ?? 0n }));
}

/** The smallest 1, 2 or 5 times a power of ten at or above `largest`: a round top for a chart's axis. */
export function roundAxisLimit(largest: bigint): bigint {
  if (largest <= 0n) return 0n;
  for (let power = 1n; ; power *= 10n) {
    for (const step of [1n, 2n, 5n]) {
      if (step * power >= largest) return step * power;
    }
  }
}

export interface ChartScale {
  /** The axis top, at or above the largest value; at least 10 so an empty chart still has a scale. */
  top: bigint;
  /** Zero, or the axis bottom when some value is negative (refunds outweighing sales in a bucket). */
  bottom: bigint;
}

export function chartScale(values: readonly bigint[]): ChartScale {
  const largest = values.reduce((max, value) => (value > max ? value : max), 0n);
  const smallest = values.reduce((min, value) => (value < min ? value : min), 0n);
  const top = roundAxisLimit(largest);
  return { top: top < 10n ? 10n : top, bottom: -roundAxisLimit(-smallest) };
}
