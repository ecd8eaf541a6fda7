import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { AdminTabs } from "@/components/tabs/admin-tabs";
import { requireArea } from "@/server/auth/guards";
import { ADMINS_CHANNEL, publicPusherConfig } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Card tabs" };

export default async function AdminTabsPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader title="Card tabs" description="Every member's card tab. Finalise an open tab to charge it now; write off what a failed card left unpaid." />
      <div className="mt-8">
        <AdminTabs realtime={{ config: publicPusherConfig(), channel: ADMINS_CHANNEL }} />
      </div>
    </div>
  );
}
