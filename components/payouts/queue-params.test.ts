import { describe, expect, it } from "vitest";
import { exportHref, parseQueueParams, queueFilters } from "./queue-params";

describe("the withdrawal queue's URL filters", () => {
  it("defaults to what waits for an admin and drops bad values", () => {
    expect(parseQueueParams({})).toEqual({ status: "OPEN", performer: "", method: "", from: "", to: "" });
    expect(parseQueueParams({ status: "NOPE", method: "CASH", from: "2026-13-45", to: "yesterday" })).toEqual({
      status: "OPEN",
      performer: "",
      method: "",
      from: "",
      to: "",
    });
  });

  it("keeps good values, and ALL means no status filter", () => {
    const params = parseQueueParams({ status: "ALL", performer: [" luna ", "x"], method: "PAYPAL", from: "2026-01-01", to: "2026-01-31" });
    expect(params).toEqual({ status: "ALL", performer: "luna", method: "PAYPAL", from: "2026-01-01", to: "2026-01-31" });
    expect(queueFilters(params)).toEqual({ status: undefined, performer: "luna", method: "PAYPAL", from: "2026-01-01", to: "2026-01-31" });
  });

  it("exports exactly the filters shown", () => {
    expect(exportHref(parseQueueParams({ status: "PAID", performer: "luna vale" }), "xlsx")).toBe(
      "/api/admin/withdrawals/export?format=xlsx&status=PAID&performer=luna+vale",
    );
    expect(exportHref(parseQueueParams({ status: "ALL" }), "csv")).toBe("/api/admin/withdrawals/export?format=csv");
  });
});
