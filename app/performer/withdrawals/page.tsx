import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { WithdrawalHistory } from "@/components/payouts/withdrawal-history";
import { WithdrawalRequest } from "@/components/payouts/withdrawal-request";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Withdrawals" };

export default async function WithdrawalsPage() {
  await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Performer"
        title="Withdrawals"
        description="Turn your matured earnings into money. Credits are held the moment you request; an admin reviews every request."
      />
      <div className="mt-8 space-y-6">
        <WithdrawalRequest />
        <WithdrawalHistory />
      </div>
    </div>
  );
}
