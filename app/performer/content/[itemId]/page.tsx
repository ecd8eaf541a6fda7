import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ContentFiles } from "@/components/content/content-files";
import { ContentItemForm } from "@/components/content/content-item-form";
import { ContentKindBadge, ContentStatusBadge } from "@/components/content/content-kind";
import { ContentStatusActions } from "@/components/content/content-status-actions";
import { PageHeader } from "@/components/layout/page-header";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";
import { formatCredits } from "@/server/domain/money";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Edit item" };

type Params = Promise<{ itemId: string }>;

export default async function EditContentPage({ params }: { params: Params }) {
  await requireArea("performer");
  const api = await getServerApi();
  const { itemId } = await params;
  const [item, plans] = await Promise.all([
    api.content.get({ itemId }).catch((error: unknown) => {
      if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
      throw error;
    }),
    api.content.planChoices(),
  ]);

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <span className="inline-flex flex-wrap items-center gap-2">
            <ContentKindBadge kind={item.kind} />
            <ContentStatusBadge status={item.status} />
          </span>
        }
        title={item.title}
        description={`${item.salesCount} ${item.salesCount === 1 ? "sale" : "sales"} · ${formatCredits(item.earned)} credits earned`}
        actions={
          <>
            <ButtonLink href="/performer/content" variant="secondary">
              All items
            </ButtonLink>
            <ButtonLink href={`/content/${item.id}`} variant="secondary">
              View as members do
            </ButtonLink>
          </>
        }
      />
      <div className="mt-8 grid gap-6 lg:grid-cols-3 lg:items-start">
        <Card className="lg:col-span-2" aria-labelledby="details-heading">
          <CardHeader id="details-heading" title="Details" />
          <CardBody>
            <ContentItemForm item={item} plans={plans} />
          </CardBody>
        </Card>
        <div className="space-y-6">
          <Card aria-labelledby="status-heading">
            <CardHeader id="status-heading" title="Status" />
            <CardBody>
              <ContentStatusActions
                itemId={item.id}
                title={item.title}
                status={item.status}
                publishProblem={item.publishProblem}
                salesCount={item.salesCount}
              />
            </CardBody>
          </Card>
          <Card aria-labelledby="files-heading">
            <CardHeader id="files-heading" title="Files" />
            <CardBody>
              <ContentFiles itemId={item.id} kind={item.kind} files={item.files} maxUploadBytes={env.MAX_UPLOAD_BYTES} />
            </CardBody>
          </Card>
        </div>
      </div>
    </div>
  );
}
