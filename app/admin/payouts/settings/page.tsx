import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { PayoutSettings } from "@/components/payouts/settings/payout-settings";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Payout settings" };

export default async function PayoutSettingsPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Payout settings"
        description="What performers' credits are worth, what a payout costs, the details they must give, and how requests are reviewed."
        actions={
          <ButtonLink href="/admin/withdrawals" variant="secondary">
            Withdrawal queue
          </ButtonLink>
        }
      />
      <div className="mt-8">
        <PayoutSettings />
      </div>
    </div>
  );
}
