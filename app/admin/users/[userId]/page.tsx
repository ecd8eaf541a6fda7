import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { UserBalances } from "@/components/admin/user-balances";
import { UserStatusAction } from "@/components/admin/user-status-action";
import { UserTransactions } from "@/components/admin/user-transactions";
import { PageHeader } from "@/components/layout/page-header";
import { ApplicationBadge, RoleBadge, StatusBadge } from "@/components/layout/role-badge";
import { ButtonLink } from "@/components/ui/button";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "User" };

const dateFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** One user for an admin: who they are, their status, every balance with its adjustment, and their transactions. */
export default async function AdminUserPage({ params }: { params: Promise<{ userId: string }> }) {
  const admin = await requireArea("admin");
  const userId = z.uuid().safeParse((await params).userId);
  if (!userId.success) notFound();
  const user = await (await getServerApi()).ledger.user({ userId: userId.data.toLowerCase() }).catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const self = user.id === admin.id;

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <Link href="/admin/users" className="hover:underline">
            Users
          </Link>
        }
        title={user.displayName}
        description={
          <>
            @{user.username} · <span className="break-all">{user.email}</span>
          </>
        }
        actions={
          <>
            {user.role === "PERFORMER" ? (
              <ButtonLink href={`/admin/users/${user.id}/revenue`} variant="secondary">
                Revenue
              </ButtonLink>
            ) : null}
            <ButtonLink href={`/admin/audit?target=${user.id}`} variant="secondary">
              Audit log
            </ButtonLink>
            {self ? null : <UserStatusAction user={user} />}
          </>
        }
      />

      <dl className="mt-6 flex flex-wrap items-center gap-x-6 gap-y-3 text-sm">
        <div className="flex items-center gap-2">
          <dt className="text-muted">Role</dt>
          <dd className="flex gap-1.5">
            <RoleBadge role={user.role} />
            {user.role === "MEMBER" && user.applicationStatus && user.applicationStatus !== "APPROVED" ? <ApplicationBadge status={user.applicationStatus} /> : null}
          </dd>
        </div>
        <div className="flex items-center gap-2">
          <dt className="text-muted">Status</dt>
          <dd>
            <StatusBadge status={user.status} />
          </dd>
        </div>
        <div className="flex items-center gap-2">
          <dt className="text-muted">Joined</dt>
          <dd>
            <time dateTime={user.createdAt.toISOString()}>{dateFormat.format(user.createdAt)}</time>
          </dd>
        </div>
        <div className="flex min-w-0 items-center gap-2">
          <dt className="text-muted">User id</dt>
          <dd className="font-mono text-xs break-all">{user.id}</dd>
        </div>
      </dl>

      <section aria-labelledby="balances" className="mt-8 space-y-4">
        <h2 id="balances" className="text-lg font-semibold">
          Balances
        </h2>
        <UserBalances initial={user} adjustable={!self} />
      </section>

      <div className="mt-8">
        <UserTransactions userId={user.id} />
      </div>
    </div>
  );
}
