import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { TabHistory } from "@/components/tabs/tab-detail";
import { TabRealtime } from "@/components/tabs/tab-realtime";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Card tabs" };

/** The member's card tabs, newest first. */
export default async function TabsPage() {
  const user = await requireArea("member");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader title="Card tabs" description="Pay as you go by card in a performer's room; each tab is charged for what you spent." />
      <TabRealtime config={publicPusherConfig()} channel={userChannel(user.id)} />
      <div className="mt-8">
        <TabHistory />
      </div>
    </div>
  );
}
