import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { parseUserTableParams, userTableHref } from "@/components/admin/user-table-params";
import { UserTable } from "@/components/admin/user-table";
import { PageHeader } from "@/components/layout/page-header";
import { Button, ButtonLink } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Users" };

const PAGE_SIZE = 20;

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

      <div className="mt-6">
        <UserTable params={params} users={result.users} total={result.total} pageSize={PAGE_SIZE} currentAdminId={admin.id} />
      </div>
    </div>
  );
}
