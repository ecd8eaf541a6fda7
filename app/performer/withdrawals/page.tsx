import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { WithdrawalHistory } from "@/components/payouts/withdrawal-history";
import { WithdrawalRequest } from "@/components/payouts/withdrawal-request";
import { LiveStatus } from "@/components/realtime/live-status";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Withdrawals" };

export default async function WithdrawalsPage() {
  const user = await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Performer"
        title="Withdrawals"
        description="Turn your matured earnings into money. Credits are held the moment you request; an admin reviews every request."
      />
      <LiveStatus config={publicPusherConfig()} channel={userChannel(user.id)} />
      <div className="mt-8 space-y-6">
        <WithdrawalRequest />
        <WithdrawalHistory />
      </div>
    </div>
  );
}
