import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { RevenueReport } from "@/components/revenue/revenue-report";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Business revenue" };

export default async function PerformerRevenuePage() {
  const user = await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Performer dashboard"
        title="Business revenue"
        description="Every sale with what the buyer paid, the platform fee, card processing fees and your net, with totals by day and month."
        actions={
          <ButtonLink href="/performer/earnings" variant="secondary">
            Earnings
          </ButtonLink>
        }
      />
      <div className="mt-8">
        <RevenueReport live={{ config: publicPusherConfig(), channel: userChannel(user.id) }} possessive="your" />
      </div>
    </div>
  );
}
