"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { PAYOUT_METHOD_LABELS } from "@/server/domain/payouts";

/** An applicant's or performer's payout details for the reviewing admin: masked, with an audited reveal. */
export function PayoutProfileReview({ performerId }: { performerId: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const profile = useQuery(trpc.payouts.admin.profile.queryOptions({ performerId }));
  const reveal = useMutation(trpc.payouts.admin.revealProfile.mutationOptions());

  if (profile.isError) return <p className="text-sm text-red-700">Payout details could not be loaded.</p>;
  if (profile.isPending) return <Skeleton className="h-12 w-full" />;
  if (!profile.data) return <p className="text-sm text-muted">No payout details yet.</p>;
  const shown = reveal.data ?? profile.data;
  return (
    <section aria-label="Payout details" className="space-y-1.5 rounded-control border border-line bg-subtle/50 px-3 py-2.5 text-sm">
      <p className="flex flex-wrap items-center gap-2 font-medium">
        Payout: {PAYOUT_METHOD_LABELS[shown.method]} in {shown.currency}
        {shown.missing.length > 0 ? <Badge tone="warning">Incomplete</Badge> : <Badge tone="success">Complete</Badge>}
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
        {shown.lines.map((line) => (
          <div key={line.key} className="contents">
            <dt className="text-muted">{line.label}</dt>
            <dd className="font-mono wrap-anywhere">{line.value}</dd>
          </div>
        ))}
      </dl>
      {shown.missing.length > 0 ? <p className="text-xs text-amber-800">Missing: {shown.missing.join(", ")}</p> : null}
      {shown.lines.some((line) => line.masked) ? (
        <button
          type="button"
          className="text-xs font-medium text-accent-700 underline hover:text-accent-800"
          disabled={reveal.isPending}
          onClick={() => reveal.mutate({ performerId }, { onError: (error) => toast.error("Not revealed", describeTrpcError(error).message) })}
        >
          Reveal (audited)
        </button>
      ) : null}
    </section>
  );
}
