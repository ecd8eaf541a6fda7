"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type EditablePlan, PlanFormDialog, type PlanScope } from "@/components/memberships/plan-form-dialog";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { QueryError } from "@/components/wallet/query-error";
import { periodLabel, perkLines } from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";

interface ManagedPlan extends EditablePlan {
  memberCount: number;
}

/** Which dialog is open: none, a new plan, or an existing one. */
type Editing = { plan: EditablePlan | null; opening: number } | null;

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

function PlanTable({ plans, onEdit }: { plans: ManagedPlan[]; onEdit: (plan: ManagedPlan) => void }) {
  return (
    <div className="hidden md:block">
      <Table>
        <caption className="sr-only">Plans, open ones first</caption>
        <TableHead>
          <tr>
            <TableHeaderCell>Plan</TableHeaderCell>
            <TableHeaderCell className="text-right">Price</TableHeaderCell>
            <TableHeaderCell className="text-right">Members</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell className="text-right">
              <span className="sr-only">Actions</span>
            </TableHeaderCell>
          </tr>
        </TableHead>
        <tbody>
          {plans.map((plan) => (
            <TableRow key={plan.id}>
              <TableCell>
                <span className="font-medium">{plan.name}</span>
                <span className="block text-xs text-muted">{perkLines(plan.perks).length} perks</span>
              </TableCell>
              <TableCell className="text-right whitespace-nowrap tabular-nums">
                {formatCredits(plan.price)} / {periodLabel(plan.periodDays)}
              </TableCell>
              <TableCell className="text-right tabular-nums">{plan.memberCount}</TableCell>
              <TableCell>
                <OpenBadge active={plan.active} />
              </TableCell>
              <TableCell className="text-right">
                <EditButton plan={plan} onEdit={onEdit} />
              </TableCell>
            </TableRow>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function PlanCards({ plans, onEdit }: { plans: ManagedPlan[]; onEdit: (plan: ManagedPlan) => void }) {
  return (
    <ul className="divide-y divide-line md:hidden" aria-label="Plans">
      {plans.map((plan) => (
        <li key={plan.id} className="flex items-start justify-between gap-3 px-4 py-4">
          <div className="min-w-0 space-y-1.5">
            <p className="font-medium">{plan.name}</p>
            <p className="text-sm text-muted">
              {formatCredits(plan.price)} credits per {periodLabel(plan.periodDays)} · {plan.memberCount} members
            </p>
            <OpenBadge active={plan.active} />
          </div>
          <EditButton plan={plan} onEdit={onEdit} />
        </li>
      ))}
    </ul>
  );
}

/** A performer's fan club plans, or the site plans for admins: the list, with create and edit. */
export function PlanManager({ scope }: { scope: PlanScope }) {
  const trpc = useTRPC();
  const plans = useQuery(scope === "site" ? trpc.memberships.siteAdmin.plans.queryOptions() : trpc.memberships.myPlans.queryOptions());
  const [editing, setEditing] = useState<Editing>(null);
  const openDialog = (plan: EditablePlan | null) => setEditing({ plan, opening: Date.now() });

  function list() {
    if (plans.isError) return <QueryError what="the plans" onRetry={() => void plans.refetch()} retrying={plans.isFetching} />;
    if (!plans.data) {
      return (
        <div className="space-y-3 p-5" role="status">
          <span className="sr-only">Loading plans…</span>
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-2/3" />
        </div>
      );
    }
    if (plans.data.length === 0) {
      return (
        <EmptyState
          className="m-5 border-none"
          title="No plans yet"
          description={scope === "site" ? "Create a premium plan members can join from the Premium page." : "Create a fan club plan; members join it from your public page."}
        />
      );
    }
    return (
      <>
        <PlanCards plans={plans.data} onEdit={openDialog} />
        <PlanTable plans={plans.data} onEdit={openDialog} />
      </>
    );
  }

  return (
    <div className="space-y-4">
      <div className="flex justify-end">
        <Button onClick={() => openDialog(null)}>New plan</Button>
      </div>
      <Card className="overflow-hidden">{list()}</Card>
      {editing ? <PlanFormDialog key={editing.opening} scope={scope} plan={editing.plan} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}
