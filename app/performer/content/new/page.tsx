import type { Metadata } from "next";
import { ContentItemForm } from "@/components/content/content-item-form";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardBody } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "New item" };

export default async function NewContentPage() {
  await requireArea("performer");
  const plans = await (await getServerApi()).content.planChoices();
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader eyebrow="Content" title="New item" description="Saved as a draft: upload its files next, then publish it." />
      <Card className="mt-8 max-w-2xl">
        <CardBody>
          <ContentItemForm item={null} plans={plans} />
        </CardBody>
      </Card>
    </div>
  );
}
