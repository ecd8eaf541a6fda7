import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { PerformerTabs } from "@/components/tabs/performer-tabs";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Card tabs" };

export default async function PerformerTabsPage() {
  const user = await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Earnings"
        title="Card tabs"
        description="Members who pay by card tab in your room: what each tab accrued, what was charged to the card, and what is owed when a card failed."
      />
      <div className="mt-8">
        <PerformerTabs realtime={{ config: publicPusherConfig(), channel: userChannel(user.id) }} />
      </div>
    </div>
  );
}
