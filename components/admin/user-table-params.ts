import type { Role, UserStatus } from "@/server/generated/prisma/enums";
import { USER_SORTS, type UserSort } from "@/server/domain/user-sorts";

/**
 * The admin user table keeps its state (search, filters, sort, page) in the URL, so it works without
 * JavaScript, survives reloads and can be linked. Parsing is forgiving: a bad value falls back to the default.
 */
export type UserTableSort = UserSort;

export interface UserTableParams {
  search: string;
  role: Role | undefined;
  status: UserStatus | undefined;
  sort: UserTableSort;
  direction: "asc" | "desc";
  page: number;
}

const SORT_FIELDS: ReadonlyArray<UserTableSort> = USER_SORTS;
/** Columns whose natural order is largest first: newest dates, biggest balances. */
const DESCENDING_FIRST: ReadonlySet<UserTableSort> = new Set(["createdAt", "available", "pending"]);
const ROLES: ReadonlyArray<Role> = ["MEMBER", "PERFORMER", "ADMIN"];
const STATUSES: ReadonlyArray<UserStatus> = ["ACTIVE", "SUSPENDED"];

export const DEFAULT_USER_TABLE_PARAMS: UserTableParams = {
  search: "",
  role: undefined,
  status: undefined,
  sort: "createdAt",
  direction: "desc",
  page: 1,
};

type RawParams = Record<string, string | string[] | undefined>;

function first(raw: RawParams, key: string): string | undefined {
  const value = raw[key];
  return Array.isArray(value) ? value[0] : value;
}

function oneOf<T extends string>(value: string | undefined, allowed: ReadonlyArray<T>): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

export function parseUserTableParams(raw: RawParams): UserTableParams {
  const page = Number(first(raw, "page"));
  return {
    search: (first(raw, "q") ?? "").trim().slice(0, 100),
    role: oneOf(first(raw, "role"), ROLES),
    status: oneOf(first(raw, "status"), STATUSES),
    sort: oneOf(first(raw, "sort"), SORT_FIELDS) ?? DEFAULT_USER_TABLE_PARAMS.sort,
    direction: oneOf(first(raw, "dir"), ["asc", "desc"] as const) ?? DEFAULT_USER_TABLE_PARAMS.direction,
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
  };
}

/** The URL for the table with some parameters changed; defaults are left out to keep links short. */
export function userTableHref(params: UserTableParams, changes: Partial<UserTableParams> = {}): string {
  const next = { ...params, ...changes };
  const query = new URLSearchParams();
  if (next.search) query.set("q", next.search);
  if (next.role) query.set("role", next.role);
  if (next.status) query.set("status", next.status);
  if (next.sort !== DEFAULT_USER_TABLE_PARAMS.sort) query.set("sort", next.sort);
  if (next.direction !== DEFAULT_USER_TABLE_PARAMS.direction) query.set("dir", next.direction);
  if (next.page !== 1) query.set("page", String(next.page));
  const search = query.toString();
  return search ? `/admin/users?${search}` : "/admin/users";
}

/**
 * Clicking the sorted column flips its direction; clicking another column starts it in its natural order:
 * newest first for dates, largest first for balances, A to Z for text. Either way the table goes back to page 1.
 */
export function sortHref(params: UserTableParams, field: UserTableSort): string {
  const direction =
    params.sort === field ? (params.direction === "asc" ? "desc" : "asc") : DESCENDING_FIRST.has(field) ? "desc" : "asc";
  return userTableHref(params, { sort: field, direction, page: 1 });
}
