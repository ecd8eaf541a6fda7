import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { PlanManager } from "@/components/memberships/plan-manager";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Site memberships" };

export default async function AdminMembershipsPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Site memberships"
        description="Premium plans sold by the site itself: every credit goes to platform revenue. Members join them on the Premium page."
        actions={
          <ButtonLink href="/premium" variant="secondary">
            View Premium page
          </ButtonLink>
        }
      />
      <div className="mt-8">
        <PlanManager scope="site" />
      </div>
    </div>
  );
}
