import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { cn } from "@/components/ui/cn";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Admin overview" };

const numberFormat = new Intl.NumberFormat("en");

function Stat({ label, value, href, highlight = false }: { label: string; value: number; href: string; highlight?: boolean }) {
  return (
    <li>
      <Link
        href={href}
        className={cn(
          "block rounded-card border bg-surface p-5 shadow-card transition-shadow hover:shadow-pop",
          highlight ? "border-amber-300 ring-1 ring-amber-200" : "border-line",
        )}
      >
        <p className="text-sm text-muted">{label}</p>
        <p className="mt-2 text-3xl font-bold tracking-tight tabular-nums">{numberFormat.format(value)}</p>
      </Link>
    </li>
  );
}

export default async function AdminOverviewPage() {
  const admin = await requireArea("admin");
  const overview = await (await getServerApi()).admin.overview();

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader eyebrow={`Signed in as ${admin.displayName}`} title="Admin overview" description="People on the platform and what needs your attention." />
      <ul className="mt-8 grid grid-cols-2 gap-4 lg:grid-cols-3 xl:grid-cols-6">
        <Stat label="Pending applications" value={overview.pendingApplications} href="/admin/applications" highlight={overview.pendingApplications > 0} />
        <Stat label="Members" value={overview.usersByRole.MEMBER} href="/admin/users?role=MEMBER" />
        <Stat label="Performers" value={overview.usersByRole.PERFORMER} href="/admin/users?role=PERFORMER" />
        <Stat label="Admins" value={overview.usersByRole.ADMIN} href="/admin/users?role=ADMIN" />
        <Stat label="Suspended" value={overview.suspendedUsers} href="/admin/users?status=SUSPENDED" />
        <Stat label="Undelivered messages" value={overview.undeliveredMessages} href="/admin/outbox" highlight={overview.undeliveredMessages > 0} />
      </ul>
    </div>
  );
}
