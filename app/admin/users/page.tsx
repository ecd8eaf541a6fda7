import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AdjustBalanceAction } from "@/components/admin/adjust-balance-dialog";
import { UserStatusAction } from "@/components/admin/user-status-action";
import {
  type UserTableParams,
  type UserTableSort,
  paginationWindow,
  parseUserTableParams,
  sortHref,
  userTableHref,
} from "@/components/admin/user-table-params";
import { PageHeader } from "@/components/layout/page-header";
import { ApplicationBadge, RoleBadge, StatusBadge } from "@/components/layout/role-badge";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Select } from "@/components/ui/input";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";
import { formatCredits } from "@/server/domain/money";
import type { UserWithBalances } from "@/server/services/books";

export const metadata: Metadata = { title: "Users" };

const PAGE_SIZE = 20;
const dateFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric" });

function SortLink({ params, field, children }: { params: UserTableParams; field: UserTableSort; children: string }) {
  const active = params.sort === field;
  return (
    <Link href={sortHref(params, field)} className="group inline-flex items-center gap-1 rounded hover:text-fg">
      {children}
      <span className={cn("text-[0.7rem]", active ? "text-accent-700" : "text-transparent group-hover:text-muted")} aria-hidden="true">
        {active && params.direction === "asc" ? "▲" : "▼"}
      </span>
      <span className="sr-only">
        {active ? `, sorted ${params.direction === "asc" ? "ascending" : "descending"}. Activate to reverse.` : ", activate to sort."}
      </span>
    </Link>
  );
}

function sortState(params: UserTableParams, fields: UserTableSort[]) {
  if (!fields.includes(params.sort)) return undefined;
  return params.direction === "asc" ? "ascending" : "descending";
}

/** A column header sorting by one field, or by either of two that share the column (name or email). */
function SortableHeader({ params, fields, className }: { params: UserTableParams; fields: [UserTableSort, string][]; className?: string }) {
  return (
    <TableHeaderCell className={cn("px-3", className)} aria-sort={sortState(params, fields.map(([field]) => field))}>
      <span className="inline-flex items-center gap-2">
        {fields.map(([field, label], index) => (
          <span key={field} className="inline-flex items-center gap-2">
            {index > 0 ? <span aria-hidden="true">/</span> : null}
            <SortLink params={params} field={field}>
              {label}
            </SortLink>
          </span>
        ))}
      </span>
    </TableHeaderCell>
  );
}

/** A credit balance; a negative one (after a clawback) in red. */
function Credits({ amount }: { amount: bigint }) {
  return <span className={cn("tabular-nums", amount < 0n && "font-semibold text-red-700")}>{formatCredits(amount)}</span>;
}

function RestrictedBadge() {
  return <Badge tone="warning">Restricted</Badge>;
}

/** What an admin can do to another user's account; nothing to their own. */
interface UserActionsProps {
  user: UserWithBalances;
  currentAdminId: string;
  className: string;
}

function UserActions({ user, currentAdminId, className }: UserActionsProps): ReactNode {
  if (user.id === currentAdminId) return <span className="text-xs text-muted">You</span>;
  return (
    <div className={cn("flex gap-2", className)}>
      <AdjustBalanceAction user={user} />
      <UserStatusAction user={user} />
    </div>
  );
}

/** Small screens: one card per user instead of a table that would need sideways scrolling. */
function UserCards({ users, currentAdminId }: { users: UserWithBalances[]; currentAdminId: string }) {
  return (
    <ul className="divide-y divide-line sm:hidden" aria-label="Users">
      {users.map((user) => (
        <li key={user.id} className="space-y-3 px-4 py-4">
          <div className="min-w-0 space-y-1.5">
            <p className="truncate font-medium">
              {user.displayName} <span className="font-normal text-muted">@{user.username}</span>
            </p>
            <p className="truncate text-sm text-muted">{user.email}</p>
            <div className="flex flex-wrap items-center gap-1.5">
              <RoleBadge role={user.role} />
              <StatusBadge status={user.status} />
              <span className="text-xs text-muted">Joined {dateFormat.format(user.createdAt)}</span>
            </div>
            <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted">
              <span>
                Available <Credits amount={user.available} />
              </span>
              <span>
                Pending <Credits amount={user.pending} />
              </span>
              <span>
                Held <Credits amount={user.held} />
              </span>
              {user.restricted ? <RestrictedBadge /> : null}
            </p>
          </div>
          <UserActions user={user} currentAdminId={currentAdminId} className="flex-wrap" />
        </li>
      ))}
    </ul>
  );
}

interface UserTableProps {
  params: UserTableParams;
  users: UserWithBalances[];
  currentAdminId: string;
  page: number;
  pageCount: number;
}

/**
 * Fits 1366 px and up without scrolling: name and email share a column, as do role and status. Narrower, the
 * table scrolls inside its card and the actions column stays pinned to the right edge, always in reach.
 */
function UserTable({ params, users, currentAdminId, page, pageCount }: UserTableProps) {
  const cell = "px-3";
  const actionsCell = "sticky right-0 bg-surface shadow-[-1px_0_0_var(--color-line)]";
  return (
    <div className="hidden sm:block">
      <Table>
        <caption className="sr-only">
          Users, sorted by {params.sort} {params.direction === "asc" ? "ascending" : "descending"}, page {page} of {pageCount}
        </caption>
        <TableHead>
          <tr>
            <SortableHeader params={params} fields={[["displayName", "User"], ["email", "Email"]]} />
            <SortableHeader params={params} fields={[["role", "Role"], ["status", "Status"]]} />
            <SortableHeader params={params} fields={[["available", "Available"]]} className="text-right" />
            <SortableHeader params={params} fields={[["pending", "Pending"]]} className="text-right" />
            <TableHeaderCell className={cn(cell, "text-right")}>Held</TableHeaderCell>
            <SortableHeader params={params} fields={[["createdAt", "Joined"]]} />
            <TableHeaderCell className={cn(cell, actionsCell, "text-right")}>
              {/* The header's tint over an opaque cell, so rows scrolling under the pinned column don't show through. */}
              <span className="absolute inset-0 bg-subtle/70" aria-hidden="true" />
              <span className="sr-only">Actions</span>
            </TableHeaderCell>
          </tr>
        </TableHead>
        <tbody>
          {users.map((user) => (
            <TableRow key={user.id}>
              <TableCell className={cell}>
                {/* A table cell ignores max-width; a block inside it doesn't, so long names truncate here. */}
                <div className="max-w-[18rem]" title={`${user.displayName} (@${user.username}) ${user.email}`}>
                  <p className="truncate font-medium text-fg">
                    {user.displayName} <span className="font-normal text-muted">@{user.username}</span>
                  </p>
                  <p className="truncate text-muted">{user.email}</p>
                </div>
              </TableCell>
              <TableCell className={cell}>
                <div className="flex flex-wrap gap-1.5">
                  <RoleBadge role={user.role} />
                  {user.role === "MEMBER" && user.applicationStatus && user.applicationStatus !== "APPROVED" ? (
                    <ApplicationBadge status={user.applicationStatus} />
                  ) : null}
                  <StatusBadge status={user.status} />
                </div>
              </TableCell>
              <TableCell className={cn(cell, "text-right")}>
                <Credits amount={user.available} />
                {user.restricted ? (
                  <span className="mt-1 block">
                    <RestrictedBadge />
                  </span>
                ) : null}
              </TableCell>
              <TableCell className={cn(cell, "text-right")}>
                <Credits amount={user.pending} />
              </TableCell>
              <TableCell className={cn(cell, "text-right")}>
                <Credits amount={user.held} />
              </TableCell>
              <TableCell className={cn(cell, "whitespace-nowrap text-muted")}>{dateFormat.format(user.createdAt)}</TableCell>
              <TableCell className={cn(cell, actionsCell, "text-right")}>
                <UserActions user={user} currentAdminId={currentAdminId} className="flex-col items-end" />
              </TableCell>
            </TableRow>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

export default async function AdminUsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requireArea("admin");
  const params = parseUserTableParams(await searchParams);
  const result = await (await getServerApi()).ledger.users({
    search: params.search || undefined,
    role: params.role,
    status: params.status,
    sort: params.sort,
    direction: params.direction,
    page: params.page,
    pageSize: PAGE_SIZE,
  });
  // The total comes with the rows, so a page past the end (a stale link) says nothing about how many there are.
  if (result.users.length === 0 && params.page > 1) redirect(userTableHref(params, { page: 1 }));
  const currentPage = params.page;
  const pageCount = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  const firstRow = result.total === 0 ? 0 : (currentPage - 1) * PAGE_SIZE + 1;
  const lastRow = Math.min(currentPage * PAGE_SIZE, result.total);
  const filtered = Boolean(params.search || params.role || params.status);

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader title="Users" description="Everyone with an account and their credits. Search, sort, adjust balances, and suspend or reactivate." />

      <form method="get" action="/admin/users" role="search" aria-label="Filter users" className="mt-8 flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="flex-1">
          <label htmlFor="user-search" className="mb-1.5 block text-sm font-medium">
            Search
          </label>
          <Input id="user-search" name="q" type="search" defaultValue={params.search} placeholder="Email, username or name" />
        </div>
        <div className="grid grid-cols-2 gap-3 sm:flex">
          <div>
            <label htmlFor="user-role" className="mb-1.5 block text-sm font-medium">
              Role
            </label>
            <Select id="user-role" name="role" defaultValue={params.role ?? ""}>
              <option value="">All roles</option>
              <option value="MEMBER">Members</option>
              <option value="PERFORMER">Performers</option>
              <option value="ADMIN">Admins</option>
            </Select>
          </div>
          <div>
            <label htmlFor="user-status" className="mb-1.5 block text-sm font-medium">
              Status
            </label>
            <Select id="user-status" name="status" defaultValue={params.status ?? ""}>
              <option value="">Any status</option>
              <option value="ACTIVE">Active</option>
              <option value="SUSPENDED">Suspended</option>
            </Select>
          </div>
        </div>
        {params.sort !== "createdAt" ? <input type="hidden" name="sort" value={params.sort} /> : null}
        {params.direction !== "desc" ? <input type="hidden" name="dir" value={params.direction} /> : null}
        <div className="flex gap-2">
          <Button type="submit" className="flex-1 sm:flex-none">
            Apply
          </Button>
          {filtered ? (
            <ButtonLink href="/admin/users" variant="ghost">
              Clear
            </ButtonLink>
          ) : null}
        </div>
      </form>

      <Card className="mt-6 overflow-hidden">
        {result.users.length === 0 ? (
          <EmptyState
            className="m-5 border-none"
            title={filtered ? "No users match" : "No users yet"}
            description={filtered ? "Try another search or clear the filters." : "Accounts appear here as people sign up."}
            action={filtered ? <ButtonLink href="/admin/users" variant="secondary">Clear filters</ButtonLink> : null}
          />
        ) : (
          <>
            <UserCards users={result.users} currentAdminId={admin.id} />
            <UserTable params={params} users={result.users} currentAdminId={admin.id} page={currentPage} pageCount={pageCount} />
          </>
        )}
      </Card>

      {result.total > 0 ? (
        <nav aria-label="Pagination" className="mt-4 flex flex-col items-center justify-between gap-3 sm:flex-row">
          <p className="text-sm text-muted" aria-live="polite">
            Showing <span className="font-medium text-fg">{firstRow}</span>–<span className="font-medium text-fg">{lastRow}</span> of{" "}
            <span className="font-medium text-fg">{result.total}</span>
          </p>
          <ul className="flex items-center gap-1">
            <li>
              {currentPage > 1 ? (
                <ButtonLink href={userTableHref(params, { page: currentPage - 1 })} variant="secondary" size="sm" rel="prev">
                  Previous
                </ButtonLink>
              ) : (
                <Button variant="secondary" size="sm" disabled>
                  Previous
                </Button>
              )}
            </li>
            {paginationWindow(currentPage, pageCount).map((page, index) =>
              page === null ? (
                <li key={`gap-${index}`} className="hidden px-1 text-muted sm:block" aria-hidden="true">
                  …
                </li>
              ) : (
                <li key={page} className="hidden sm:block">
                  <ButtonLink
                    href={userTableHref(params, { page })}
                    variant={page === currentPage ? "primary" : "ghost"}
                    size="sm"
                    aria-current={page === currentPage ? "page" : undefined}
                    aria-label={`Page ${page}`}
                  >
                    {page}
                  </ButtonLink>
                </li>
              ),
            )}
            <li>
              {currentPage < pageCount ? (
                <ButtonLink href={userTableHref(params, { page: currentPage + 1 })} variant="secondary" size="sm" rel="next">
                  Next
                </ButtonLink>
              ) : (
                <Button variant="secondary" size="sm" disabled>
                  Next
                </Button>
              )}
            </li>
          </ul>
        </nav>
      ) : null}
    </div>
  );
}
