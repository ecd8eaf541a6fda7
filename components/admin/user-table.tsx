"use client";

import Link from "next/link";
import { AdjustBalanceAction } from "@/components/admin/adjust-balance-dialog";
import { type UserTableParams, sortHref, userTableHref } from "@/components/admin/user-table-params";
import { UserStatusAction } from "@/components/admin/user-status-action";
import { type Column, DataTable } from "@/components/kit/data-table";
import { ApplicationBadge, RoleBadge, StatusBadge } from "@/components/layout/role-badge";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { formatCredits, formatWalletAmount } from "@/server/domain/money";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { USER_SORTS, type UserSort } from "@/server/domain/user-sorts";
import type { UserWallet, UserWithBalances } from "@/server/services/books";

const isUserSort = (field: string): field is UserSort => USER_SORTS.some((sort) => sort === field);

/** The admin's page of one user: their balances, adjustments and transactions. */
const userHref = (user: { id: string }) => `/admin/users/${user.id}`;

const dateFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric" });

/** A credit balance; a negative one (after a clawback) in red. */
function Credits({ amount }: { amount: bigint }) {
  return <span className={cn("tabular-nums", amount < 0n && "font-semibold text-red-700")}>{formatCredits(amount)}</span>;
}

/** A wallet balance in its currency's format; a negative one in red. */
function WalletAmount({ wallet }: { wallet: UserWallet }) {
  return (
    <span className={cn("tabular-nums", wallet.balance < 0n && "font-semibold text-red-700")}>{formatWalletAmount(wallet.balance, { currency: wallet.currency, exponent: wallet.exponent })}</span>
  );
}

/** Every wallet but Credits (which has its own, sortable column): name and balance, one per line. */
function OtherWallets({ user }: { user: UserWithBalances }) {
  const others = user.wallets.filter((wallet) => wallet.id !== CREDITS_WALLET);
  if (others.length === 0) return <span className="text-muted">—</span>;
  return (
    <dl className="grid grid-cols-[auto_auto] justify-end gap-x-3 text-right">
      {others.map((wallet) => (
        <div key={wallet.id} className="contents">
          <dt className="text-muted">{wallet.name}</dt>
          <dd>
            <WalletAmount wallet={wallet} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function RestrictedBadge() {
  return <Badge tone="warning">Restricted</Badge>;
}

/** What an admin can do to another user's account; nothing to their own. */
function UserActions({ user, currentAdminId, className }: { user: UserWithBalances; currentAdminId: string; className: string }) {
  if (user.id === currentAdminId) return <span className="text-xs text-muted">You</span>;
  return (
    <div className={cn("flex gap-2", className)}>
      {user.role === "PERFORMER" ? (
        <ButtonLink href={`/admin/users/${user.id}/revenue`} variant="secondary" size="sm">
          Revenue
        </ButtonLink>
      ) : null}
      <AdjustBalanceAction user={user} />
      <UserStatusAction user={user} />
    </div>
  );
}

/** Fits 1366 px and up without scrolling: name and email share a column, as do role and status; narrower, the actions stay pinned. */
function columns(currentAdminId: string): Column<UserWithBalances>[] {
  return [
    {
      key: "user",
      header: "User",
      sortFields: [["displayName", "User"], ["email", "Email"]],
      cell: (user) => (
        // A table cell ignores max-width; a block inside it doesn't, so long names truncate here.
        <div className="max-w-[18rem]" title={`${user.displayName} (@${user.username}) ${user.email}`}>
          <p className="truncate font-medium text-fg">
            <Link href={userHref(user)} className="hover:text-accent-700 hover:underline">
              {user.displayName}
            </Link>{" "}
            <span className="font-normal text-muted">@{user.username}</span>
          </p>
          <p className="truncate text-muted">{user.email}</p>
        </div>
      ),
    },
    {
      key: "role",
      header: "Role",
      sortFields: [["role", "Role"], ["status", "Status"]],
      cell: (user) => (
        <div className="flex flex-wrap gap-1.5">
          <RoleBadge role={user.role} />
          {user.role === "MEMBER" && user.applicationStatus && user.applicationStatus !== "APPROVED" ? <ApplicationBadge status={user.applicationStatus} /> : null}
          <StatusBadge status={user.status} />
        </div>
      ),
    },
    {
      key: "available",
      header: "Credits",
      align: "right",
      sortFields: [["available", "Credits"]],
      cell: (user) => (
        <>
          <Credits amount={user.available} />
          {user.restricted ? (
            <span className="mt-1 block">
              <RestrictedBadge />
            </span>
          ) : null}
        </>
      ),
    },
    { key: "wallets", header: "Other wallets", align: "right", cell: (user) => <OtherWallets user={user} /> },
    { key: "pending", header: "Pending", align: "right", sortFields: [["pending", "Pending"]], cell: (user) => <Credits amount={user.pending} /> },
    { key: "held", header: "Held", align: "right", cell: (user) => <Credits amount={user.held} /> },
    { key: "joined", header: "Joined", sortFields: [["createdAt", "Joined"]], className: "whitespace-nowrap text-muted", cell: (user) => dateFormat.format(user.createdAt) },
    {
      key: "actions",
      header: "Actions",
      hiddenHeader: true,
      pinned: true,
      align: "right",
      cell: (user) => <UserActions user={user} currentAdminId={currentAdminId} className="flex-col items-end" />,
    },
  ];
}

/** Small screens: one card per user instead of a table that would need sideways scrolling. */
function UserCard({ user, currentAdminId }: { user: UserWithBalances; currentAdminId: string }) {
  return (
    <div className="min-w-0 flex-1 space-y-3">
      <div className="min-w-0 space-y-1.5">
        <p className="truncate font-medium">
          <Link href={userHref(user)} className="hover:text-accent-700 hover:underline">
            {user.displayName}
          </Link>{" "}
          <span className="font-normal text-muted">@{user.username}</span>
        </p>
        <p className="truncate text-sm text-muted">{user.email}</p>
        <div className="flex flex-wrap items-center gap-1.5">
          <RoleBadge role={user.role} />
          <StatusBadge status={user.status} />
          <span className="text-xs text-muted">Joined {dateFormat.format(user.createdAt)}</span>
        </div>
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted">
          {user.wallets.map((wallet) => (
            <span key={wallet.id}>
              {wallet.name} <WalletAmount wallet={wallet} />
            </span>
          ))}
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
    </div>
  );
}

interface UserTableProps {
  params: UserTableParams;
  users: UserWithBalances[];
  total: number;
  pageSize: number;
  currentAdminId: string;
}

/** The admin user table: its search, filters, sort and page live in the URL (see user-table-params.ts). */
export function UserTable({ params, users, total, pageSize, currentAdminId }: UserTableProps) {
  const filtered = Boolean(params.search || params.role || params.status);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  return (
    <DataTable
      rows={users}
      columns={columns(currentAdminId)}
      rowKey={(user) => user.id}
      caption={`Users, sorted by ${params.sort} ${params.direction === "asc" ? "ascending" : "descending"}, page ${params.page} of ${pageCount}`}
      what="users"
      dense
      empty={{
        title: filtered ? "No users match" : "No users yet",
        description: filtered ? "Try another search or clear the filters." : "Accounts appear here as people sign up.",
        action: filtered ? (
          <ButtonLink href="/admin/users" variant="secondary">
            Clear filters
          </ButtonLink>
        ) : null,
      }}
      cardsLabel="Users"
      card={(user) => <UserCard user={user} currentAdminId={currentAdminId} />}
      controlled={{
        sort: { column: params.sort, direction: params.direction },
        sortHref: (field) => (isUserSort(field) ? sortHref(params, field) : userTableHref(params)),
        page: params.page,
        pageSize,
        total,
        pageHref: (page) => userTableHref(params, { page }),
      }}
    />
  );
}
