import type { Metadata } from "next";
import { ApplicationReviewActions } from "@/components/admin/application-review-actions";
import { PageHeader } from "@/components/layout/page-header";
import { ApplicationBadge } from "@/components/layout/role-badge";
import { PayoutProfileReview } from "@/components/payouts/payout-profile-review";
import { PerformerAvatar } from "@/components/performers/performer-card";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Performer applications" };

const dateFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric" });

export default async function AdminApplicationsPage() {
  await requireArea("admin");
  const { pending, recentlyReviewed } = await (await getServerApi()).admin.applications.list();

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Performer applications"
        description="Approve members who want to perform, or reject with a note they'll see. Oldest first."
      />

      <section aria-labelledby="pending-heading" className="mt-8">
        <h2 id="pending-heading" className="flex items-center gap-2 text-lg font-semibold">
          Waiting for review <Badge tone={pending.length > 0 ? "warning" : "neutral"}>{pending.length}</Badge>
        </h2>
        {pending.length === 0 ? (
          <EmptyState className="mt-4" title="All caught up" description="New applications will appear here." />
        ) : (
          <ul className="mt-4 grid gap-4 lg:grid-cols-2">
            {pending.map((application) => (
              <li key={application.userId} className="flex flex-col gap-4 rounded-card border border-line bg-surface p-5 shadow-card">
                <div className="flex items-start gap-3">
                  <PerformerAvatar stageName={application.stageName} username={application.user.username} />
                  <div className="min-w-0 flex-1">
                    <h3 className="truncate font-semibold">{application.stageName}</h3>
                    <p className="truncate text-sm text-muted">
                      {application.user.displayName} · @{application.user.username} · {application.user.email}
                    </p>
                    <p className="mt-0.5 text-xs text-muted">Applied {dateFormat.format(application.createdAt)}</p>
                  </div>
                  {application.user.status === "SUSPENDED" ? <Badge tone="danger">Suspended</Badge> : null}
                </div>
                <p className="line-clamp-4 text-sm whitespace-pre-line text-fg">{application.bio || <span className="text-muted">No bio given.</span>}</p>
                <PayoutProfileReview performerId={application.userId} />
                <div className="mt-auto">
                  <ApplicationReviewActions application={application} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <Card className="mt-10 overflow-hidden" aria-labelledby="reviewed-heading">
        <CardHeader id="reviewed-heading" title="Recently reviewed" description="The last 20 decisions." />
        {recentlyReviewed.length === 0 ? (
          <p className="px-6 py-5 text-sm text-muted">No decisions yet.</p>
        ) : (
          <Table>
            <TableHead>
              <tr>
                <TableHeaderCell>Stage name</TableHeaderCell>
                <TableHeaderCell>Applicant</TableHeaderCell>
                <TableHeaderCell>Decision</TableHeaderCell>
                <TableHeaderCell>Note</TableHeaderCell>
                <TableHeaderCell>Reviewed</TableHeaderCell>
              </tr>
            </TableHead>
            <tbody>
              {recentlyReviewed.map((application) => (
                <TableRow key={application.userId}>
                  <TableCell className="font-medium">{application.stageName}</TableCell>
                  <TableCell className="text-muted">@{application.user.username}</TableCell>
                  <TableCell>
                    <ApplicationBadge status={application.status} />
                  </TableCell>
                  <TableCell className="max-w-xs truncate text-muted">{application.reviewNote ?? "—"}</TableCell>
                  <TableCell className="whitespace-nowrap text-muted">
                    {application.reviewedAt ? dateFormat.format(application.reviewedAt) : "—"}
                  </TableCell>
                </TableRow>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
