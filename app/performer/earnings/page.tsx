import type { Metadata } from "next";
import { EarningsDashboard } from "@/components/earnings/earnings-dashboard";
import { PageHeader } from "@/components/layout/page-header";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Earnings" };

export default async function PerformerEarningsPage() {
  const user = await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Performer dashboard"
        title="Earnings"
        description="Your share of every sale, net of refunds: by day, week or month, by kind of sale and by supporter."
        actions={
          <ButtonLink href="/wallet" variant="secondary">
            Open wallet
          </ButtonLink>
        }
      />
      <div className="mt-8">
        <EarningsDashboard config={publicPusherConfig()} channel={userChannel(user.id)} />
      </div>
    </div>
  );
}
