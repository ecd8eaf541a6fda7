import { describe, expect, it } from "vitest";
import { type Area, areaForPath, continuePathInArea, homePathForRole, roleCanEnter, safeCallbackPath, signInPathFor } from "@/server/auth/areas";
import type { Role } from "@/server/generated/prisma/enums";

describe("areaForPath", () => {
  it.each<[string, Area | null]>([
    ["/", null],
    ["/wallet", "member"],
    ["/wallet/history", "member"],
    ["/account", "member"],
    ["/orders/123", "member"],
    ["/store", null],
    ["/performer", "performer"],
    ["/performer/rooms/1", "performer"],
    ["/performers", null],
    ["/p/luna", null],
    ["/admin", "admin"],
    ["/admin/users", "admin"],
    ["/administrator", null],
    ["/sign-in", null],
  ])("%s → %s", (path, area) => {
    expect(areaForPath(path)).toBe(area);
  });
});

describe("roleCanEnter", () => {
  const table: Array<[Role, Area, boolean]> = [
    ["MEMBER", "member", true],
    ["MEMBER", "performer", false],
    ["MEMBER", "admin", false],
    ["PERFORMER", "member", true],
    ["PERFORMER", "performer", true],
    ["PERFORMER", "admin", false],
    ["ADMIN", "member", true],
    ["ADMIN", "performer", false],
    ["ADMIN", "admin", true],
  ];
  it.each(table)("%s in the %s area: %s", (role, area, allowed) => {
    expect(roleCanEnter(role, area)).toBe(allowed);
  });

  it.each<Role>(["MEMBER", "PERFORMER", "ADMIN"])("%s's home page is in an area the role may enter", (role) => {
    const area = areaForPath(homePathForRole(role));
    expect(area).not.toBeNull();
    expect(roleCanEnter(role, area as Area)).toBe(true);
  });
});

describe("safeCallbackPath", () => {
  it.each<[string | null | undefined, string | null]>([
    ["/wallet", "/wallet"],
    ["/admin/users?q=mia&page=2", "/admin/users?q=mia&page=2"],
    [undefined, null],
    [null, null],
    ["", null],
    ["wallet", null],
    ["https://evil.test/wallet", null],
    ["//evil.test", null],
    ["/\\evil.test", null],
    ["/wallet\n", null],
  ])("%j → %j", (input, expected) => {
    expect(safeCallbackPath(input)).toBe(expected);
  });
});

describe("continuePathInArea", () => {
  it.each<[Area, string | null, string]>([
    ["performer", "/performer/payout-profile", "/performer/payout-profile"],
    ["performer", "/performer/withdrawals?status=PAID", "/performer/withdrawals?status=PAID"],
    ["performer", "/performer", "/performer"],
    ["performer", "/admin/users", "/performer"],
    ["performer", "/performerx", "/performer"],
    ["performer", "//evil.test/performer", "/performer"],
    ["performer", "https://evil.test/performer/x", "/performer"],
    ["performer", null, "/performer"],
    ["admin", "/admin/withdrawals", "/admin/withdrawals"],
  ])("%s, %j → %j", (area, requested, expected) => {
    expect(continuePathInArea(area, requested)).toBe(expected);
  });
});

describe("signInPathFor", () => {
  it("encodes the callback path and the reason", () => {
    expect(signInPathFor("/admin/users?page=2", "session-ended")).toBe(
      "/sign-in?callbackUrl=%2Fadmin%2Fusers%3Fpage%3D2&reason=session-ended",
    );
  });
});
