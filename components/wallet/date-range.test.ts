import { describe, expect, it } from "vitest";
import { dateRange } from "@/components/wallet/date-range";

describe("dateRange", () => {
  it("is open when both dates are empty", () => {
    expect(dateRange("", "")).toEqual({ ok: true, from: undefined, to: undefined });
  });

  it("starts at local midnight and ends at the next local midnight, so the last day is included", () => {
    expect(dateRange("2026-03-01", "2026-03-03")).toEqual({
      ok: true,
      from: new Date(2026, 2, 1),
      to: new Date(2026, 2, 4),
    });
  });

  it("rolls an end on the last day of a month over to the next month", () => {
    expect(dateRange("", "2026-12-31")).toEqual({ ok: true, from: undefined, to: new Date(2027, 0, 1) });
  });

  it("accepts a single day", () => {
    expect(dateRange("2026-03-01", "2026-03-01")).toMatchObject({ ok: true });
  });

  it("refuses an end before the start", () => {
    expect(dateRange("2026-03-02", "2026-03-01")).toEqual({ ok: false, error: "The end date is before the start date." });
  });

  it.each(["2026-02-31", "2026-13-01", "2026-99-01", "2026-00-10", "yesterday", "2026-3-1"])("refuses %s", (value) => {
    expect(dateRange(value, "")).toEqual({ ok: false, error: "Enter a valid date." });
  });
});
