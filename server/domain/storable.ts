import { z } from "zod";

/**
 * Values PostgreSQL can store and compare, checked at the edge: outside these ranges a value reached a query as
 * an out-of-range error, a 500, instead of a refusal naming the field.
 *
 * Dates: JavaScript's Date reaches 271,821 BC, a PostgreSQL timestamp starts at 4713 BC. No date this app takes
 * (a filter, a rate's start) means anything outside years 1 to 9999, so that is the range accepted.
 */
export const EARLIEST_DATE = new Date("0001-01-01T00:00:00.000Z");
export const LATEST_DATE = new Date("9999-12-31T23:59:59.999Z");

export const DATE_OUT_OF_RANGE_MESSAGE = "Pick a date between the years 1 and 9999.";

/** `schema` (a z.date() or z.coerce.date()) limited to the dates the database can take. */
export function storableDate(schema: z.ZodDate = z.date()): z.ZodDate {
  return schema.min(EARLIEST_DATE, DATE_OUT_OF_RANGE_MESSAGE).max(LATEST_DATE, DATE_OUT_OF_RANGE_MESSAGE);
}


/** PostgreSQL's BIGINT (every amount, price and id column): superjson carries bigints of any size. */
export const LARGEST_BIGINT = 2n ** 63n - 1n;

export const NUMBER_TOO_LARGE_MESSAGE = "That number is too large.";

/** `schema` (a z.bigint() with its own lower bound) limited to what a BIGINT column holds. */
export function storableBigint(schema: z.ZodBigInt = z.bigint()): z.ZodBigInt {
  return schema.max(LARGEST_BIGINT, NUMBER_TOO_LARGE_MESSAGE);
}
