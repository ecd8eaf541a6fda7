import type { Role } from "@/server/generated/prisma/enums";

export interface NavItem {
  href: string;
  label: string;
}

/** The header links each kind of visitor sees; the areas they point to are the ones their role may enter. */
export function navigationFor(role: Role | null): NavItem[] {
  switch (role) {
    case null:
      return [
        { href: "/#how-it-works", label: "How it works" },
        { href: "/#performers", label: "Performers" },
        { href: "/#for-performers", label: "For performers" },
      ];
    case "MEMBER":
      return [
        { href: "/", label: "Discover" },
        { href: "/wallet", label: "Wallet" },
        { href: "/wallet/buy", label: "Buy credits" },
        { href: "/account", label: "Account" },
      ];
    case "PERFORMER":
      return [
        { href: "/performer", label: "Dashboard" },
        { href: "/wallet", label: "Wallet" },
        { href: "/account", label: "Account" },
      ];
    case "ADMIN":
      return [
        { href: "/admin", label: "Overview" },
        { href: "/admin/users", label: "Users" },
        { href: "/admin/applications", label: "Applications" },
        { href: "/admin/ledger", label: "Ledger" },
        { href: "/admin/packages", label: "Packages" },
        { href: "/admin/commissions", label: "Commissions" },
        { href: "/admin/books", label: "Books" },
        { href: "/account", label: "Account" },
      ];
  }
}

/** The link for the current page: the longest matching href, so /admin/users doesn't also light up /admin. */
export function activeHref(items: NavItem[], pathname: string): string | null {
  const matches = items
    .map((item) => item.href)
    .filter((href) => !href.includes("#"))
    .filter((href) => pathname === href || (href !== "/" && pathname.startsWith(`${href}/`)));
  return matches.sort((a, b) => b.length - a.length)[0] ?? null;
}
