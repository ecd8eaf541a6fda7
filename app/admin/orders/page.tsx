import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { LiveStatus } from "@/components/realtime/live-status";
import { AdminOrders } from "@/components/store/admin-orders";
import { requireArea } from "@/server/auth/guards";
import { ADMINS_CHANNEL, publicPusherConfig } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Store orders" };

export default async function AdminOrdersPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Store orders"
        description="Every order in the store. Ship and deliver the site's own items; refund any order in full."
      />
      <LiveStatus config={publicPusherConfig()} channel={ADMINS_CHANNEL} />
      <div className="mt-8">
        <AdminOrders />
      </div>
    </div>
  );
}
