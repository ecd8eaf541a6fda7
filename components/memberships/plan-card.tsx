import Link from "next/link";
import type { ReactNode } from "react";
import { Card, CardBody } from "@/components/ui/card";
import { type MembershipStatus, periodLabel, perkLines } from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";

interface PlanCardProps {
  plan: { id: string; name: string; description: string; perks: string; price: bigint; periodDays: number };
  /** The join button, or the viewer's membership status. */
  action: ReactNode;
}

/** A plan on offer: its price per period, what it is and what it unlocks. */
export function PlanCard({ plan, action }: PlanCardProps) {
  const headingId = `plan-${plan.id}`;
  const perks = perkLines(plan.perks);
  return (
    <Card aria-labelledby={headingId} className="flex flex-col">
      <CardBody className="flex flex-1 flex-col gap-4">
        <div className="space-y-1">
          <h3 id={headingId} className="text-lg font-semibold text-fg">
            {plan.name}
          </h3>
          <p className="text-sm text-muted">
            <span className="text-2xl font-bold text-fg tabular-nums">{formatCredits(plan.price)}</span> credits per {periodLabel(plan.periodDays)}
          </p>
        </div>
        {plan.description ? <p className="text-sm leading-relaxed whitespace-pre-line text-fg">{plan.description}</p> : null}
        {perks.length > 0 ? (
          <ul className="space-y-1.5 text-sm" aria-label={`What ${plan.name} unlocks`}>
            {perks.map((perk) => (
              <li key={perk} className="flex items-start gap-2">
                <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-accent-600">
                  <path d="m5 10.5 3.2 3.2L15 7" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
                {perk}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="mt-auto pt-2">{action}</div>
      </CardBody>
    </Card>
  );
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

/** In place of the join button when the viewer already holds the plan. */
export function PlanMembershipNote({ membership }: { membership: { status: MembershipStatus; currentPeriodEnd: Date } }) {
  const until = dateFormat.format(membership.currentPeriodEnd);
  const text =
    membership.status === "GRACE"
      ? "You're a member. Your renewal is waiting for credits."
      : membership.status === "CANCELLED"
        ? `You're a member until ${until} (cancelled).`
        : `You're a member. Renews on ${until}.`;
  return (
    <p className="text-sm">
      <span className="font-medium text-emerald-700">{text}</span>{" "}
      <Link href="/memberships" className="font-semibold text-accent-700 hover:underline">
        Manage
      </Link>
    </p>
  );
}
