import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { LiveStatus } from "@/components/realtime/live-status";
import { OrderList } from "@/components/store/order-table";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Store orders" };

export default async function PerformerOrdersPage() {
  const user = await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Store"
        title="Orders"
        description="What members bought from your store. Ship physical items and mark them delivered; refund an order in full when needed."
      />
      <LiveStatus config={publicPusherConfig()} channel={userChannel(user.id)} />
      <div className="mt-8">
        <OrderList view="seller" />
      </div>
    </div>
  );
}
