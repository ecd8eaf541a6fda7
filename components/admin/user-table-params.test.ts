import { describe, expect, it } from "vitest";
import {
  DEFAULT_USER_TABLE_PARAMS,
  parseUserTableParams,
  sortHref,
  userTableHref,
} from "@/components/admin/user-table-params";

describe("parseUserTableParams", () => {
  it("reads every parameter", () => {
    expect(parseUserTableParams({ q: " mia ", role: "PERFORMER", status: "SUSPENDED", sort: "email", dir: "asc", page: "3" })).toEqual({
      search: "mia",
      role: "PERFORMER",
      status: "SUSPENDED",
      sort: "email",
      direction: "asc",
      page: 3,
    });
  });

  it.each([
    ["unknown values", { role: "OWNER", status: "x", sort: "passwordHash", dir: "up", page: "abc" }],
    ["out-of-range pages", { page: "0" }],
    ["fractional pages", { page: "2.5" }],
  ])("falls back to defaults for %s", (_, raw) => {
    expect(parseUserTableParams(raw)).toEqual(DEFAULT_USER_TABLE_PARAMS);
  });

  it("takes the first of repeated parameters", () => {
    expect(parseUserTableParams({ q: ["a", "b"] }).search).toBe("a");
  });
});

describe("userTableHref and sortHref", () => {
  const params = parseUserTableParams({ q: "mia", page: "4" });

  it("leaves defaults out of the URL", () => {
    expect(userTableHref(DEFAULT_USER_TABLE_PARAMS)).toBe("/admin/users");
    expect(userTableHref(params, { page: 5 })).toBe("/admin/users?q=mia&page=5");
  });

  it.each([
    ["a new text column starts A to Z", parseUserTableParams({}), "email" as const, "/admin/users?sort=email&dir=asc"],
    ["the sorted column flips", parseUserTableParams({ sort: "email", dir: "asc" }), "email" as const, "/admin/users?sort=email"],
    ["dates start newest first", parseUserTableParams({ sort: "email" }), "createdAt" as const, "/admin/users"],
    ["balances start largest first", parseUserTableParams({}), "available" as const, "/admin/users?sort=available"],
    ["a sorted balance flips", parseUserTableParams({ sort: "pending" }), "pending" as const, "/admin/users?sort=pending&dir=asc"],
    ["sorting returns to page 1", params, "role" as const, "/admin/users?q=mia&sort=role&dir=asc"],
  ])("%s", (_, from, field, expected) => {
    expect(sortHref(from, field)).toBe(expected);
  });
});
