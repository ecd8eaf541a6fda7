import type { Metadata } from "next";
import { CommissionSchedule } from "@/components/commissions/commission-schedule";
import { PageHeader } from "@/components/layout/page-header";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Commissions" };

export default async function CommissionsPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Commissions"
        description="The performer's share of each kind of sale: site defaults and per-performer overrides. The platform keeps the rest."
      />
      <div className="mt-8">
        <CommissionSchedule />
      </div>
    </div>
  );
}
