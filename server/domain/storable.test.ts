import { z } from "zod";
import { describe, expect, it } from "vitest";
import { DATE_OUT_OF_RANGE_MESSAGE, EARLIEST_DATE, LARGEST_BIGINT, LATEST_DATE, NUMBER_TOO_LARGE_MESSAGE, storableBigint, storableDate } from "./storable";

describe("storableDate", () => {
  it.each([
    ["the earliest date kept", EARLIEST_DATE, true],
    ["the latest date kept", LATEST_DATE, true],
    ["today's kind of date", new Date("2026-05-11T12:00:00Z"), true],
    ["a millisecond before year 1", new Date(EARLIEST_DATE.getTime() - 1), false],
    ["a date before PostgreSQL's first timestamp (4713 BC)", new Date("-004713-11-23T23:59:59.999Z"), false],
    ["JavaScript's earliest date", new Date(-8.64e15), false],
    ["a millisecond after year 9999", new Date(LATEST_DATE.getTime() + 1), false],
    ["JavaScript's latest date", new Date(8.64e15), false],
  ])("%s", (_case, date, accepted) => {
    const result = storableDate().safeParse(date);
    expect(result.success).toBe(accepted);
    if (!result.success) expect(result.error.issues.map((issue) => issue.message)).toEqual([DATE_OUT_OF_RANGE_MESSAGE]);
  });

  it("keeps a coerced date's own message for what is not a date at all", () => {
    const schema = storableDate(z.coerce.date({ error: "Enter a valid start date." }));
    expect(schema.safeParse("2026-05-11").success).toBe(true);
    expect(schema.safeParse("-271821-04-20").error?.issues[0]?.message).toBe(DATE_OUT_OF_RANGE_MESSAGE);
    expect(schema.safeParse("not a date").error?.issues[0]?.message).toBe("Enter a valid start date.");
  });
});

describe("storableBigint", () => {
  it.each([
    ["the largest BIGINT", LARGEST_BIGINT, true],
    ["one more", LARGEST_BIGINT + 1n, false],
    ["2^64", 2n ** 64n, false],
    ["an ordinary amount", 500n, true],
  ])("%s", (_case, value, accepted) => {
    const result = storableBigint(z.bigint().positive()).safeParse(value);
    expect(result.success).toBe(accepted);
    if (!result.success) expect(result.error.issues.map((issue) => issue.message)).toEqual([NUMBER_TOO_LARGE_MESSAGE]);
  });

  it("keeps the schema's own lower bound", () => {
    expect(storableBigint(z.bigint().positive()).safeParse(0n).success).toBe(false);
  });
});
