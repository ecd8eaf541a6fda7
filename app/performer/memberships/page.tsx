import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { PlanManager } from "@/components/memberships/plan-manager";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Fan club" };

export default async function PerformerMembershipsPage() {
  const user = await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Performer dashboard"
        title="Fan club"
        description="Plans members join from your public page, paid from their credits every period. Your share of each period goes to your pending earnings."
        actions={
          <ButtonLink href={`/p/${user.username}`} variant="secondary">
            View public page
          </ButtonLink>
        }
      />
      <div className="mt-8">
        <PlanManager scope="performer" />
      </div>
    </div>
  );
}
