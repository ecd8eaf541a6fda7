"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormAlert } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import type { AppRouter } from "@/server/api/root";
import { type MembershipStatus, periodLabel } from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";

type Membership = inferRouterOutputs<AppRouter>["memberships"]["mine"][number];

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const format = (at: Date) => dateFormat.format(at);

const STATUS: Record<MembershipStatus, { label: string; tone: BadgeTone }> = {
  ACTIVE: { label: "Active", tone: "success" },
  GRACE: { label: "Payment due", tone: "warning" },
  CANCELLED: { label: "Cancelled", tone: "neutral" },
  LAPSED: { label: "Ended", tone: "neutral" },
};

/** Where the plan is offered, to join again. */
const planHref = (membership: Membership) => (membership.performer ? `/p/${membership.performer.username}` : "/premium");

function Details({ membership }: { membership: Membership }) {
  const { status, plan } = membership;
  if (status === "ACTIVE") {
    return membership.nextRenewalAt ? (
      <p>
        Next renewal <strong className="font-semibold">{format(membership.nextRenewalAt)}</strong> for{" "}
        <strong className="font-semibold">{formatCredits(membership.renewalPrice)} credits</strong>.
      </p>
    ) : (
      <p>This plan is no longer offered: your membership ends on {format(membership.currentPeriodEnd)} without renewing.</p>
    );
  }
  if (status === "GRACE") {
    return (
      <FormAlert>
        Your renewal of {formatCredits(membership.renewalPrice)} credits couldn&apos;t be paid. Your access continues until{" "}
        <strong>{membership.graceUntil ? format(membership.graceUntil) : "soon"}</strong>: add credits before then and it renews on
        its own.{" "}
        <Link href="/wallet/buy" className="font-semibold underline">
          Buy credits
        </Link>
      </FormAlert>
    );
  }
  if (status === "CANCELLED") {
    return membership.hasAccess ? (
      <p>Cancelled: your access continues until {format(membership.currentPeriodEnd)}, then it ends without a charge.</p>
    ) : (
      <p>Ended on {format(membership.currentPeriodEnd)}.</p>
    );
  }
  return (
    <p>
      Ended. {plan.active ? "You can join again any time." : "This plan is no longer offered."}
    </p>
  );
}

interface Pending {
  membership: Membership;
  action: "cancel" | "resume";
}

function MembershipCard({ membership, onAction }: { membership: Membership; onAction: (pending: Pending) => void }) {
  const { plan, performer } = membership;
  const canResume = membership.status === "CANCELLED" && membership.hasAccess;
  const headingId = `membership-${membership.id}`;
  return (
    <li>
      <Card aria-labelledby={headingId}>
        <CardBody className="space-y-3">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0 space-y-0.5">
              <h3 id={headingId} className="font-semibold text-fg">
                {plan.name}
              </h3>
              <p className="text-sm text-muted">
                {performer ? (
                  <Link href={`/p/${performer.username}`} className="hover:underline">
                    {performer.stageName}
                  </Link>
                ) : (
                  "Tipmeter Premium"
                )}{" "}
                · {formatCredits(plan.price)} credits per {periodLabel(plan.periodDays)}
              </p>
            </div>
            <Badge tone={STATUS[membership.status].tone}>{STATUS[membership.status].label}</Badge>
          </div>
          <div className="text-sm text-fg">
            <Details membership={membership} />
          </div>
          <div className="flex flex-wrap gap-2">
            {membership.status === "ACTIVE" || membership.status === "GRACE" ? (
              <Button size="sm" variant="secondary" onClick={() => onAction({ membership, action: "cancel" })}>
                Cancel membership
              </Button>
            ) : null}
            {canResume ? (
              <Button size="sm" onClick={() => onAction({ membership, action: "resume" })}>
                Resume membership
              </Button>
            ) : null}
            {membership.status === "LAPSED" && plan.active ? (
              <ButtonLink size="sm" variant="secondary" href={planHref(membership)}>
                Join again
              </ButtonLink>
            ) : null}
          </div>
        </CardBody>
      </Card>
    </li>
  );
}

function confirmation({ membership, action }: Pending): { title: string; description: string; label: string } {
  if (action === "resume") {
    return {
      title: `Resume ${membership.plan.name}?`,
      description: `Your membership renews again on ${format(membership.currentPeriodEnd)} for ${formatCredits(membership.renewalPrice)} credits.`,
      label: "Resume",
    };
  }
  return {
    title: `Cancel ${membership.plan.name}?`,
    description:
      membership.status === "GRACE"
        ? "Your membership ends now and the unpaid renewal is dropped."
        : `Nothing more is charged. You keep your access until ${format(membership.currentPeriodEnd)}, and you can resume before then.`,
    label: "Cancel membership",
  };
}

/** The member's memberships: what renews when and for how much, grace warnings, cancel and resume. */
export function MyMemberships() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const memberships = useQuery(trpc.memberships.mine.queryOptions());
  const cancel = useMutation(trpc.memberships.cancel.mutationOptions());
  const resume = useMutation(trpc.memberships.resume.mutationOptions());
  const [pending, setPending] = useState<Pending | null>(null);

  function confirm() {
    if (!pending) return;
    const { membership, action } = pending;
    const mutation = action === "cancel" ? cancel : resume;
    mutation.mutate(
      { membershipId: membership.id },
      {
        onSuccess: (result) => {
          setPending(null);
          void queryClient.invalidateQueries(trpc.memberships.mine.pathFilter());
          if (action === "resume") toast.success("Membership resumed", `${membership.plan.name} renews on ${format(result.currentPeriodEnd)}.`);
          else if (result.status === "CANCELLED") toast.success("Membership cancelled", `Your access continues until ${format(result.currentPeriodEnd)}.`);
          else toast.success("Membership ended", `${membership.plan.name} has ended.`);
        },
        onError: (error) => {
          setPending(null);
          toast.error(action === "cancel" ? "Not cancelled" : "Not resumed", describeTrpcError(error).message);
        },
      },
    );
  }

  if (memberships.isError) {
    return <QueryError what="your memberships" onRetry={() => void memberships.refetch()} retrying={memberships.isFetching} />;
  }
  if (!memberships.data) {
    return (
      <div className="space-y-3" role="status">
        <span className="sr-only">Loading memberships…</span>
        <Skeleton className="h-28 w-full" />
        <Skeleton className="h-28 w-full" />
      </div>
    );
  }
  if (memberships.data.length === 0) {
    return (
      <EmptyState
        title="No memberships yet"
        description="Join a performer's fan club from their page, or go Premium, for members-only perks."
        action={<ButtonLink href="/premium" variant="secondary">See Premium</ButtonLink>}
      />
    );
  }

  const current = memberships.data.filter((membership) => membership.status !== "LAPSED");
  const past = memberships.data.filter((membership) => membership.status === "LAPSED");
  const dialog = pending ? confirmation(pending) : null;

  return (
    <div className="space-y-8">
      {current.length > 0 ? (
        <section aria-labelledby="current-memberships" className="space-y-3">
          <h2 id="current-memberships" className="text-lg font-semibold">
            Current
          </h2>
          <ul className="grid gap-4 lg:grid-cols-2">
            {current.map((membership) => (
              <MembershipCard key={membership.id} membership={membership} onAction={setPending} />
            ))}
          </ul>
        </section>
      ) : null}
      {past.length > 0 ? (
        <section aria-labelledby="past-memberships" className="space-y-3">
          <h2 id="past-memberships" className="text-lg font-semibold">
            Ended
          </h2>
          <ul className="grid gap-4 lg:grid-cols-2">
            {past.map((membership) => (
              <MembershipCard key={membership.id} membership={membership} onAction={setPending} />
            ))}
          </ul>
        </section>
      ) : null}
      <ConfirmDialog
        open={pending !== null}
        onClose={() => setPending(null)}
        onConfirm={confirm}
        pending={cancel.isPending || resume.isPending}
        title={dialog?.title ?? ""}
        description={dialog?.description}
        confirmLabel={dialog?.label ?? ""}
        tone={pending?.action === "cancel" ? "danger" : "primary"}
      />
    </div>
  );
}
