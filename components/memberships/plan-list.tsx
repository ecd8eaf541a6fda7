import { JoinPlanButton } from "@/components/memberships/join-plan-button";
import { PlanCard, PlanMembershipNote } from "@/components/memberships/plan-card";
import { cn } from "@/components/ui/cn";
import type { OfferedPlan } from "@/server/services/memberships";

interface PlanListProps {
  plans: OfferedPlan[];
  /** Where a signed-out visitor signs in (and comes back from); null when signed in. */
  signInHref: string | null;
  /** The performer looking at their own fan clubs. */
  ownPlans?: boolean;
  className?: string;
}

/** Plans on offer, each with a join button, or the viewer's membership when they already hold it. */
export function PlanList({ plans, signInHref, ownPlans = false, className }: PlanListProps) {
  return (
    <div className={cn("grid gap-6 sm:grid-cols-2 lg:grid-cols-3", className)}>
      {plans.map((plan) => (
        <PlanCard
          key={plan.id}
          plan={plan}
          action={
            plan.viewerMembership?.hasAccess ? (
              <PlanMembershipNote membership={plan.viewerMembership} />
            ) : (
              <JoinPlanButton
                plan={{ id: plan.id, name: plan.name, price: plan.price, periodDays: plan.periodDays }}
                signInHref={signInHref}
                ownPlan={ownPlans}
              />
            )
          }
        />
      ))}
    </div>
  );
}
