import { describe, expect, it } from "vitest";
import { activeHref, navigationFor } from "@/components/layout/navigation";
import { areaForPath, roleCanEnter } from "@/server/auth/areas";
import type { Role } from "@/server/generated/prisma/enums";

describe("navigationFor", () => {
  it.each<Role>(["MEMBER", "PERFORMER", "ADMIN"])("only links %s to areas the role may enter", (role) => {
    for (const { href } of navigationFor(role)) {
      const area = areaForPath(href);
      if (area) expect(roleCanEnter(role, area)).toBe(true);
    }
  });

  it("links visitors to no protected area", () => {
    expect(navigationFor(null).every(({ href }) => areaForPath(href.split("#")[0] ?? href) === null)).toBe(true);
  });
});

describe("activeHref", () => {
  const admin = navigationFor("ADMIN");
  it.each([
    ["/admin", "/admin"],
    ["/admin/users", "/admin/users"],
    ["/admin/users/123", "/admin/users"],
    ["/account", "/account"],
    ["/wallet", null],
  ])("%s highlights %s", (pathname, expected) => {
    expect(activeHref(admin, pathname)).toBe(expected);
  });

  it("lights up Buy credits, not Wallet, on the buy page", () => {
    const member = navigationFor("MEMBER");
    expect(activeHref(member, "/wallet/buy")).toBe("/wallet/buy");
    expect(activeHref(member, "/wallet/purchases/123")).toBe("/wallet");
  });

  it("lights up Earnings, not Dashboard, on the performer's earnings page", () => {
    const performer = navigationFor("PERFORMER");
    expect(activeHref(performer, "/performer/earnings")).toBe("/performer/earnings");
    expect(activeHref(performer, "/performer")).toBe("/performer");
  });

  it("leads a member's Discover to the Discover page, not back to the landing page", () => {
    const member = navigationFor("MEMBER");
    expect(member.find((item) => item.label === "Discover")?.href).toBe("/discover");
    expect(activeHref(member, "/discover")).toBe("/discover");
    expect(activeHref(member, "/")).toBeNull();
    expect(activeHref(member, "/p/luna")).toBeNull();
  });
});

describe("navigation counts", () => {
  it("badges the admin's Withdrawals link with what waits for review, and nothing else", () => {
    const items = navigationFor("ADMIN", { pendingWithdrawals: 3 });
    expect(items.find((item) => item.href === "/admin/withdrawals")?.count).toBe(3);
    expect(items.filter((item) => item.count !== undefined)).toHaveLength(1);
    expect(navigationFor("ADMIN").find((item) => item.href === "/admin/withdrawals")?.count).toBeUndefined();
  });
});
