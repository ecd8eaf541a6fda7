import type { Metadata } from "next";
import { PackageManager } from "@/components/admin/packages/package-manager";
import { PageHeader } from "@/components/layout/page-header";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Credit packages" };

export default async function PackagesPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Credit packages"
        description="What members can buy on the Buy credits page: credits, bonus and price. Hidden packages stay for past purchases."
      />
      <div className="mt-8">
        <PackageManager />
      </div>
    </div>
  );
}
