import type { Role } from "@/server/generated/prisma/enums";

export interface NavItem {
  href: string;
  label: string;
  /** Things waiting there for the visitor (withdrawals to review), shown as a badge when above zero. */
  count?: number;
}

/** Counts read for the signed-in user's navigation; absent ones show no badge. */
export interface NavCounts {
  pendingWithdrawals?: number;
}

/** The header links each kind of visitor sees; the areas they point to are the ones their role may enter. */
export function navigationFor(role: Role | null, counts: NavCounts = {}): NavItem[] {
  switch (role) {
    case null:
      return [
        { href: "/#how-it-works", label: "How it works" },
        { href: "/#performers", label: "Performers" },
        { href: "/#for-performers", label: "For performers" },
        { href: "/store", label: "Store" },
      ];
    case "MEMBER":
      return [
        { href: "/discover", label: "Discover" },
        { href: "/wallet", label: "Wallet" },
        { href: "/wallet/buy", label: "Buy credits" },
        { href: "/library", label: "Library" },
        { href: "/shows", label: "Shows" },
        { href: "/store", label: "Store" },
        { href: "/orders", label: "Orders" },
        { href: "/payment-requests", label: "Requests" },
        { href: "/tabs", label: "Card tabs" },
        { href: "/memberships", label: "Memberships" },
        { href: "/account", label: "Account" },
      ];
    case "PERFORMER":
      return [
        { href: "/performer", label: "Dashboard" },
        { href: "/performer/shows", label: "Shows" },
        { href: "/performer/content", label: "Content" },
        { href: "/performer/store", label: "Store" },
        { href: "/performer/orders", label: "Orders" },
        { href: "/performer/payment-requests", label: "Requests" },
        { href: "/performer/earnings", label: "Earnings" },
        { href: "/performer/revenue", label: "Revenue" },
        { href: "/performer/tabs", label: "Card tabs" },
        { href: "/performer/withdrawals", label: "Withdrawals" },
        { href: "/performer/memberships", label: "Fan club" },
        { href: "/wallet", label: "Wallet" },
        { href: "/account", label: "Account" },
      ];
    case "ADMIN":
      return [
        { href: "/admin", label: "Overview" },
        { href: "/admin/users", label: "Users" },
        { href: "/admin/applications", label: "Applications" },
        { href: "/admin/ledger", label: "Ledger" },
        { href: "/admin/audit", label: "Audit log" },
        { href: "/admin/wallets", label: "Wallets" },
        { href: "/admin/packages", label: "Packages" },
        { href: "/admin/commissions", label: "Commissions" },
        { href: "/admin/exchange-rates", label: "Exchange rates" },
        { href: "/admin/store", label: "Store" },
        { href: "/admin/orders", label: "Orders" },
        { href: "/admin/tabs", label: "Card tabs" },
        { href: "/admin/memberships", label: "Memberships" },
        { href: "/admin/withdrawals", label: "Withdrawals", count: counts.pendingWithdrawals },
        { href: "/admin/books", label: "Books" },
        { href: "/admin/settings", label: "Settings" },
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
