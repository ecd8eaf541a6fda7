import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { ShowHistory } from "@/components/shows/show-history";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Shows" };

/** A performer's past shows: members, duration, what was charged and their share of it. */
export default async function PerformerShowsPage() {
  const user = await requireArea("performer");
  const history = await (await getServerApi()).shows.history();
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Shows"
        title="Your shows"
        description="Private and group shows with what members were charged and your share, which waits in pending earnings until it matures."
        actions={<ButtonLink href={`/room/${user.username}`}>Open your room</ButtonLink>}
      />
      <Card className="mt-8">
        <CardBody className="p-0 sm:p-0">
          <ShowHistory items={history} side="performer" />
        </CardBody>
      </Card>
    </div>
  );
}
