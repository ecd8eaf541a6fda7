/**
 * Date filters as people mean them: "from 1 March to 3 March" includes all of 3 March, in the reader's own time
 * zone. The API's `to` is exclusive, so the end becomes the next local midnight.
 */

function localMidnight(value: string, addDays = 0): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day + addDays);
  // Rejects dates that rolled over (2026-02-31, 2026-13-01) rather than quietly moving them.
  return addDays === 0 && (date.getDate() !== day || date.getMonth() !== month - 1) ? undefined : date;
}

export type DateRange = { ok: true; from?: Date; to?: Date } | { ok: false; error: string };

/** The range for two date-input values ("YYYY-MM-DD" or empty). */
export function dateRange(from: string, to: string): DateRange {
  const start = from ? localMidnight(from) : undefined;
  const end = to ? localMidnight(to) : undefined;
  if ((from && !start) || (to && !end)) return { ok: false, error: "Enter a valid date." };
  if (start && end && start > end) return { ok: false, error: "The end date is before the start date." };
  return { ok: true, from: start, to: to ? localMidnight(to, 1) : undefined };
}
