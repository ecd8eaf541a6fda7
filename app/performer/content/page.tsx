import type { Metadata } from "next";
import Link from "next/link";
import { TeaserImage } from "@/components/content/content-card";
import { ContentKindBadge, ContentStatusBadge } from "@/components/content/content-kind";
import { PageHeader } from "@/components/layout/page-header";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";
import { formatCredits } from "@/server/domain/money";

export const metadata: Metadata = { title: "Content" };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

export default async function PerformerContentPage() {
  await requireArea("performer");
  const items = await (await getServerApi()).content.mine();

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Performer dashboard"
        title="Content"
        description="Videos, pictures, posts and room access that members unlock with credits. Earnings are your share after commission."
        actions={<ButtonLink href="/performer/content/new">New item</ButtonLink>}
      />
      {items.length === 0 ? (
        <EmptyState
          className="mt-8"
          title="No content yet"
          description="Create a video, a picture set, a post or paid room access, upload its files and publish it."
          action={<ButtonLink href="/performer/content/new">Create your first item</ButtonLink>}
        />
      ) : (
        <Card className="mt-8 overflow-hidden" aria-label="Your items">
          <Table>
            <TableHead>
              <tr>
                <TableHeaderCell>Item</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell className="text-right">Price</TableHeaderCell>
                <TableHeaderCell className="text-right">Sales</TableHeaderCell>
                <TableHeaderCell className="text-right">Earned</TableHeaderCell>
                <TableHeaderCell>Updated</TableHeaderCell>
              </tr>
            </TableHead>
            <tbody>
              {items.map((item) => (
                <TableRow key={item.id}>
                  <TableCell>
                    <div className="flex items-center gap-3">
                      <TeaserImage item={item} className="aspect-video w-20 shrink-0 rounded-md" />
                      <div className="min-w-0 space-y-1">
                        <Link href={`/performer/content/${item.id}`} className="block truncate font-semibold text-fg hover:underline">
                          {item.title}
                        </Link>
                        <div className="flex flex-wrap gap-1.5">
                          <ContentKindBadge kind={item.kind} />
                          {item.planName ? <span className="text-xs text-muted">{item.membersOnly ? `Only ${item.planName}` : `Free for ${item.planName}`}</span> : null}
                        </div>
                      </div>
                    </div>
                  </TableCell>
                  <TableCell>
                    <ContentStatusBadge status={item.status} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatCredits(item.price)}</TableCell>
                  <TableCell className="text-right tabular-nums">{item.salesCount}</TableCell>
                  <TableCell className="text-right font-semibold tabular-nums">{formatCredits(item.earned)}</TableCell>
                  <TableCell className="whitespace-nowrap text-muted">{dateFormat.format(item.updatedAt)}</TableCell>
                </TableRow>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </div>
  );
}
