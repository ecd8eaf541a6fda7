import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { PaymentRequestList } from "@/components/payment-requests/request-list";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Payment requests" };

export default async function PerformerPaymentRequestsPage() {
  const user = await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Room"
        title="Payment requests"
        description="What you asked members in your room to pay for: waiting, paid, declined and expired. Record when a paid service starts and finishes; see where to ship paid goods."
      />
      <div className="mt-8">
        <PaymentRequestList side="sent" config={publicPusherConfig()} channel={userChannel(user.id)} />
      </div>
    </div>
  );
}
