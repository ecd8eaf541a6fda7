"use client";

import { useQuery } from "@tanstack/react-query";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useEditing } from "@/components/kit/use-editing";
import { type EditablePlan, PlanFormDialog, type PlanScope } from "@/components/memberships/plan-form-dialog";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { periodLabel, perkLines } from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";

interface ManagedPlan extends EditablePlan {
  memberCount: number;
}

function OpenBadge({ active }: { active: boolean }) {
  return active ? <Badge tone="success">Open</Badge> : <Badge>Closed</Badge>;
}

function EditButton({ plan, onEdit }: { plan: ManagedPlan; onEdit: (plan: ManagedPlan) => void }) {
  return (
    <Button size="sm" variant="secondary" onClick={() => onEdit(plan)} aria-label={`Edit ${plan.name}`}>
      Edit
    </Button>
  );
}

function columns(onEdit: (plan: ManagedPlan) => void): Column<ManagedPlan>[] {
  return [
    {
      key: "plan",
      header: "Plan",
      cell: (plan) => (
        <>
          <span className="font-medium">{plan.name}</span>
          <span className="block text-xs text-muted">{perkLines(plan.perks).length} perks</span>
        </>
      ),
      sortValue: (plan) => plan.name,
    },
    {
      key: "price",
      header: "Price",
      align: "right",
      className: "whitespace-nowrap tabular-nums",
      cell: (plan) => `${formatCredits(plan.price)} / ${periodLabel(plan.periodDays)}`,
      sortValue: (plan) => plan.price,
    },
    { key: "members", header: "Members", align: "right", className: "tabular-nums", cell: (plan) => plan.memberCount, sortValue: (plan) => plan.memberCount },
    { key: "status", header: "Status", cell: (plan) => <OpenBadge active={plan.active} />, sortValue: (plan) => !plan.active },
    { key: "actions", header: "Actions", hiddenHeader: true, align: "right", cell: (plan) => <EditButton plan={plan} onEdit={onEdit} /> },
  ];
}

function PlanCard({ plan, onEdit }: { plan: ManagedPlan; onEdit: (plan: ManagedPlan) => void }) {
  return (
    <>
      <div className="min-w-0 space-y-1.5">
        <p className="font-medium">{plan.name}</p>
        <p className="text-sm text-muted">
          {formatCredits(plan.price)} credits per {periodLabel(plan.periodDays)} · {plan.memberCount} members
        </p>
        <OpenBadge active={plan.active} />
      </div>
      <EditButton plan={plan} onEdit={onEdit} />
    </>
  );
}

/** A performer's fan club plans, or the site plans for admins: the list, with create and edit. */
export function PlanManager({ scope }: { scope: PlanScope }) {
  const trpc = useTRPC();
  const plans = useQuery(scope === "site" ? trpc.memberships.siteAdmin.plans.queryOptions() : trpc.memberships.myPlans.queryOptions());
  const { editing, open, close } = useEditing<EditablePlan>();

  return (
    <div className="space-y-4">
      <div className="flex justify-end">
        <Button onClick={() => open(null)}>New plan</Button>
      </div>
      <DataTable
        rows={plans.data}
        failed={plans.isError ? { onRetry: () => void plans.refetch(), retrying: plans.isFetching } : null}
        columns={columns(open)}
        rowKey={(plan) => plan.id}
        caption="Plans, open ones first"
        what="plans"
        empty={{
          title: "No plans yet",
          description: scope === "site" ? "Create a premium plan members can join from the Premium page." : "Create a fan club plan; members join it from your public page.",
        }}
        cardsLabel="Plans"
        card={(plan) => <PlanCard plan={plan} onEdit={open} />}
        filterText={(plan) => plan.name}
      />
      {editing ? <PlanFormDialog key={editing.opening} scope={scope} plan={editing.record} onClose={close} /> : null}
    </div>
  );
}
