import type { Role } from "@/server/generated/prisma/enums";

/**
 * Which role may open which part of the site. Pure, so the proxy (JWT role, no database), the area layouts
 * (database role) and the navigation all agree.
 */
export type Area = "member" | "performer" | "admin";

const AREA_ROOTS: ReadonlyArray<readonly [prefix: string, area: Area]> = [
  ["/wallet", "member"],
  ["/account", "member"],
  ["/library", "member"],
  ["/orders", "member"],
  ["/memberships", "member"],
  ["/shows", "member"],
  ["/tabs", "member"],
  ["/performer", "performer"],
  ["/admin", "admin"],
];

/** Every signed-in role has a wallet and an account; the performer and admin areas belong to one role each. */
const AREA_ROLES: Record<Area, ReadonlySet<Role>> = {
  member: new Set<Role>(["MEMBER", "PERFORMER", "ADMIN"]),
  performer: new Set<Role>(["PERFORMER"]),
  admin: new Set<Role>(["ADMIN"]),
};

/** Where each area starts: the fallback destination after sign-in and when access returns. */
export const AREA_HOME_PATHS: Record<Area, string> = { member: "/wallet", performer: "/performer", admin: "/admin" };

export const AREA_LABELS: Record<Area, string> = {
  member: "members",
  performer: "performers",
  admin: "administrators",
};

/** The protected area a path belongs to, matched by whole segments (so /performers is not /performer). */
export function areaForPath(pathname: string): Area | null {
  for (const [prefix, area] of AREA_ROOTS) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return area;
  }
  return null;
}

export function roleCanEnter(role: Role, area: Area): boolean {
  return AREA_ROLES[area].has(role);
}

export function homePathForRole(role: Role): string {
  switch (role) {
    case "ADMIN":
      return "/admin";
    case "PERFORMER":
      return "/performer";
    case "MEMBER":
      return "/wallet";
  }
}

/**
 * A callback URL taken from the query string, accepted only as a same-site path: "//evil.test" and
 * "/\evil.test" are protocol-relative to browsers, and anything absolute could send a fresh session elsewhere.
 */
export function safeCallbackPath(value: string | null | undefined): string | null {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  if ([...value].some((char) => char.charCodeAt(0) < 0x20)) return null;
  return value;
}

/** Where to go once `area` opened to the user: the page they asked for when it is a local path in that area, else its home. */
export function continuePathInArea(area: Area, requested: string | null): string {
  const path = safeCallbackPath(requested);
  return path && areaForPath(new URL(path, "http://local").pathname) === area ? path : AREA_HOME_PATHS[area];
}

export function signInPathFor(callbackPath: string, reason?: "session-ended"): string {
  const params = new URLSearchParams({ callbackUrl: callbackPath });
  if (reason) params.set("reason", reason);
  return `/sign-in?${params.toString()}`;
}
