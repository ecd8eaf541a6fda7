import type { EarningsGranularity } from "@/server/domain/earnings-report";

/** Buckets are UTC days, weeks and months (see server/domain/earnings-report.ts): labels use UTC too. */
const SHORT_DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const LONG_DAY = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const SHORT_MONTH = new Intl.DateTimeFormat("en-GB", { month: "short", timeZone: "UTC" });
const LONG_MONTH = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

export function shortBucketLabel(start: Date, granularity: EarningsGranularity): string {
  return granularity === "month" ? SHORT_MONTH.format(start) : SHORT_DAY.format(start);
}

export function longBucketLabel(start: Date, granularity: EarningsGranularity): string {
  switch (granularity) {
    case "day":
      return LONG_DAY.format(start);
    case "week":
      return `Week of ${LONG_DAY.format(start)}`;
    case "month":
      return LONG_MONTH.format(start);
  }
}

export const PERIOD_LABELS: Record<EarningsGranularity, { option: string; range: string }> = {
  day: { option: "Day", range: "the last 30 days" },
  week: { option: "Week", range: "the last 12 weeks" },
  month: { option: "Month", range: "the last 12 months" },
};

/** Which x-axis ticks carry a label, so 30 narrow bars don't get 30 overlapping dates: every nth, and the last. */
export function labelledTicks(count: number, maxLabels: number): Set<number> {
  if (count <= 0) return new Set();
  const every = Math.max(1, Math.ceil(count / maxLabels));
  const ticks = new Set<number>();
  for (let index = count - 1; index >= 0; index -= every) ticks.add(index);
  return ticks;
}
