import { describe, expect, it } from "vitest";
import { auditExportHref, auditRange, hasAuditFilters, parseAuditParams } from "./audit-params";

const ID = "0b7c2a52-8c8e-4b43-9a57-3f1f5b7a9c10";

describe("parseAuditParams", () => {
  it.each<[string, Record<string, string | string[] | undefined>, Partial<Record<string, string>>, string[]]>([
    ["nothing", {}, {}, []],
    ["every filter", { actor: ID.toUpperCase(), target: ID, action: "ledger.adjust", from: "2026-03-01", to: "2026-03-02" }, { actor: ID, target: ID, action: "ledger.adjust", from: "2026-03-01", to: "2026-03-02" }, []],
    ["the first of repeated values", { action: ["user.suspended", "ledger.adjust"] }, { action: "user.suspended" }, []],
    ["empty values as no filter", { actor: "", action: " " }, {}, []],
    ["a bad actor", { actor: "bob" }, {}, ["The actor in the link is not a user id, so it was left out."]],
    ["a bad action", { action: "DROP TABLE" }, {}, ["The action in the link is not an audit action, so it was left out."]],
    ["a bad date", { from: "yesterday", to: "2026-03-02" }, { to: "2026-03-02" }, ["The start date in the link is not a date, so it was left out."]],
    ["a day that doesn't exist", { from: "2026-02-31", to: "2026-99-01" }, {}, ["The start date in the link is not a date, so it was left out.", "The end date in the link is not a date, so it was left out."]],
  ])("%s", (_name, raw, expected, problems) => {
    const result = parseAuditParams(raw);
    expect(result.params).toEqual({ actor: "", target: "", action: "", from: "", to: "", ...expected });
    expect(result.problems).toEqual(problems);
  });
});

describe("hasAuditFilters", () => {
  it("is true when any filter is set", () => {
    expect(hasAuditFilters(parseAuditParams({}).params)).toBe(false);
    expect(hasAuditFilters(parseAuditParams({ from: "2026-03-01" }).params)).toBe(true);
  });
});

describe("auditExportHref", () => {
  it("is the bare route with no filter", () => {
    const { params } = parseAuditParams({});
    expect(auditExportHref(params, auditRange(params))).toBe("/api/admin/audit/export");
  });

  it("carries the filters, and the dates as the instants the screen used (to inclusive)", () => {
    const { params } = parseAuditParams({ target: ID, action: "ledger.adjust", from: "2026-03-01", to: "2026-03-01" });
    const href = new URL(auditExportHref(params, auditRange(params)), "http://x");
    expect(href.pathname).toBe("/api/admin/audit/export");
    expect(href.searchParams.get("targetUserId")).toBe(ID);
    expect(href.searchParams.get("action")).toBe("ledger.adjust");
    expect(href.searchParams.get("from")).toBe(new Date(2026, 2, 1).toISOString());
    expect(href.searchParams.get("to")).toBe(new Date(2026, 2, 2).toISOString());
  });

  it("leaves an impossible range out of the link", () => {
    const { params } = parseAuditParams({ from: "2026-03-02", to: "2026-03-01" });
    expect(auditRange(params).ok).toBe(false);
    expect(auditExportHref(params, auditRange(params))).toBe("/api/admin/audit/export");
  });
});
