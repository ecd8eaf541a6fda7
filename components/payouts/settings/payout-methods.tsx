"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { formatBps, percentToBps } from "@/components/commissions/rate-input";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { formatCredits, parseCredits } from "@/server/domain/money";
import { PAYOUT_METHODS, PAYOUT_METHOD_LABELS, type PayoutMethodTerms } from "@/server/domain/payouts";
import type { PayoutMethod } from "@/server/generated/prisma/enums";

function MethodForm({ method, terms }: { method: PayoutMethod; terms: PayoutMethodTerms | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const setMethod = useMutation(trpc.payouts.settings.setMethod.mutationOptions());
  const removeMethod = useMutation(trpc.payouts.settings.removeMethod.mutationOptions());
  const [fixed, setFixed] = useState(terms?.fixedMinor.toString() ?? "0");
  const [percent, setPercent] = useState(terms ? formatBps(terms.percentBps).replace("%", "") : "0");
  const [min, setMin] = useState(terms?.minCredits.toString() ?? "");
  const [max, setMax] = useState(terms?.maxCredits.toString() ?? "");
  const [error, setError] = useState<string | null>(null);
  const label = PAYOUT_METHOD_LABELS[method];

  function refresh() {
    void queryClient.invalidateQueries(trpc.payouts.pathFilter());
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fixedMinor = /^\d{1,9}$/.test(fixed.trim()) ? BigInt(fixed.trim()) : null;
    const percentBps = percentToBps(percent);
    const minCredits = parseCredits(min);
    const maxCredits = parseCredits(max);
    if (fixedMinor === null) return setError("Enter the fixed fee as a whole number of minor units (cents), 0 or more.");
    if (percentBps === null || percentBps > 5_000) return setError("Enter the percentage fee from 0 to 50.");
    if (minCredits === null || maxCredits === null) return setError("Enter the minimum and maximum as whole numbers of credits.");
    if (maxCredits < minCredits) return setError("The maximum must be at least the minimum.");
    setError(null);
    setMethod.mutate(
      { method, fixedMinor, percentBps, minCredits, maxCredits },
      {
        onSuccess: () => {
          refresh();
          toast.success(`${label} saved`, terms ? "New requests use these terms." : "Performers can choose it now.");
        },
        onError: (failure) => setError(describeTrpcError(failure).message),
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`${label} terms`} className="space-y-3 rounded-control border border-line p-4">
      <div className="flex items-center justify-between gap-3">
        <h3 className="font-semibold">{label}</h3>
        {terms ? <Badge tone="success">Offered</Badge> : <Badge>Not offered</Badge>}
      </div>
      {error ? <FormAlert>{error}</FormAlert> : null}
      <div className="grid gap-3 sm:grid-cols-4">
        <Field label="Fixed fee (cents)" name={`${method}-fixed`}>
          {(control) => <Input {...control} inputMode="numeric" value={fixed} onChange={(event) => setFixed(event.target.value)} />}
        </Field>
        <Field label="Fee (%)" name={`${method}-percent`}>
          {(control) => <Input {...control} inputMode="decimal" value={percent} onChange={(event) => setPercent(event.target.value)} />}
        </Field>
        <Field label="Minimum (credits)" name={`${method}-min`}>
          {(control) => <Input {...control} inputMode="numeric" value={min} onChange={(event) => setMin(event.target.value)} />}
        </Field>
        <Field label="Maximum (credits)" name={`${method}-max`}>
          {(control) => <Input {...control} inputMode="numeric" value={max} onChange={(event) => setMax(event.target.value)} />}
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" size="sm" loading={setMethod.isPending}>
          {terms ? `Save ${label}` : `Offer ${label}`}
        </Button>
        {terms ? (
          <Button
            size="sm"
            variant="ghost"
            className="text-red-700"
            loading={removeMethod.isPending}
            onClick={() => removeMethod.mutate({ method }, { onSuccess: refresh, onError: (failure) => setError(describeTrpcError(failure).message) })}
          >
            Stop offering
          </Button>
        ) : null}
        {terms ? (
          <span className="text-xs text-muted">
            {formatCredits(terms.minCredits)} to {formatCredits(terms.maxCredits)} credits · {terms.fixedMinor.toString()}¢ + {formatBps(terms.percentBps)}
          </span>
        ) : null}
      </div>
    </form>
  );
}

/**
 * Each payout method's fee (a fixed part in minor units of the payout currency plus a percentage, rounded up to a
 * whole minor unit) and its limits in credits. A method without terms is not offered to performers.
 */
export function PayoutMethods({ methods }: { methods: Array<PayoutMethodTerms & { method: PayoutMethod; updatedAt: Date }> }) {
  return (
    <div className="space-y-4">
      {PAYOUT_METHODS.map((method) => {
        const terms = methods.find((candidate) => candidate.method === method);
        return <MethodForm key={`${method}:${terms?.updatedAt.toISOString() ?? "none"}`} method={method} terms={terms} />;
      })}
    </div>
  );
}
