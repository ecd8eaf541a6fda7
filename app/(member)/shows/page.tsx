import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { ShowHistory } from "@/components/shows/show-history";
import { Card, CardBody } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Shows" };

/** A member's private and group shows: how long each ran and what it charged. */
export default async function MemberShowsPage() {
  await requireArea("member");
  const history = await (await getServerApi()).shows.history();
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Shows"
        title="Your shows"
        description="Every private and group show you took part in, metered by the minute on our servers. Charges appear in your wallet history too."
      />
      <Card className="mt-8">
        <CardBody className="p-0 sm:p-0">
          <ShowHistory items={history} side="member" />
        </CardBody>
      </Card>
    </div>
  );
}
