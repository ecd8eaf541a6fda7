import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { PlanList } from "@/components/memberships/plan-list";
import { EmptyState } from "@/components/ui/empty-state";
import { getServerApi } from "@/server/api/server";
import { getCurrentUser } from "@/server/auth/session";

export const metadata: Metadata = { title: "Premium", description: "Tipmeter's premium memberships." };

/** The site's own plans: premium roles whose perks reach across every performer. */
export default async function PremiumPage() {
  const [api, viewer] = await Promise.all([getServerApi(), getCurrentUser()]);
  const plans = await api.memberships.sitePlans();
  const signInHref = `/sign-in?${new URLSearchParams({ callbackUrl: "/premium" }).toString()}`;

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Memberships"
        title="Tipmeter Premium"
        description="Premium perks across the whole site, paid from your credits each period. Cancel any time; you keep access to the end of the period you paid for."
      />
      {plans.length > 0 ? (
        <PlanList className="mt-8" plans={plans} signInHref={viewer ? null : signInHref} />
      ) : (
        <EmptyState className="mt-8" title="No premium plans right now" description="Check back soon." />
      )}
    </div>
  );
}
