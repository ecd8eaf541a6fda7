import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { PaymentRequestList } from "@/components/payment-requests/request-list";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Payment requests" };

export default async function PaymentRequestsPage() {
  const user = await requireArea("member");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Payment requests"
        description="What performers asked you to pay for in their rooms. Pay or decline one that's waiting; give the shipping address for goods you paid."
      />
      <div className="mt-8">
        <PaymentRequestList side="received" config={publicPusherConfig()} channel={userChannel(user.id)} />
      </div>
    </div>
  );
}
