import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { LiveStatus } from "@/components/realtime/live-status";
import { OrderList } from "@/components/store/order-table";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Your orders" };

export default async function OrdersPage() {
  const user = await requireArea("member");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Your orders"
        description="Everything you bought in the store, with its status. Digital items download from their order page."
        actions={
          <ButtonLink href="/store" variant="secondary">
            Browse the store
          </ButtonLink>
        }
      />
      <LiveStatus config={publicPusherConfig()} channel={userChannel(user.id)} />
      <div className="mt-8">
        <OrderList view="buyer" />
      </div>
    </div>
  );
}
