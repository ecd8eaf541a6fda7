"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { z } from "zod";
import { describeTrpcError } from "@/components/auth/form-errors";
import { formatBps, percentToBps } from "@/components/commissions/rate-input";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { formatCredits, parseCredits } from "@/server/domain/money";
import { methodTermsSchema } from "@/server/domain/payout-settings";
import { PAYOUT_METHODS, PAYOUT_METHOD_LABELS, type PayoutMethodTerms } from "@/server/domain/payouts";
import type { PayoutMethod } from "@/server/generated/prisma/enums";

/** A method's terms form read into the tRPC input; the first problem is the one the admin hears about. */
function methodTermsFormSchema(method: PayoutMethod) {
  return z
    .object({ fixed: z.string(), percent: z.string(), min: z.string(), max: z.string() })
    .transform((values, ctx) => {
      const refuse = (message: string) => {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      };
      const fixedMinor = /^\d{1,9}$/.test(values.fixed.trim()) ? BigInt(values.fixed.trim()) : null;
      const percentBps = percentToBps(values.percent);
      const minCredits = parseCredits(values.min);
      const maxCredits = parseCredits(values.max);
      if (fixedMinor === null) return refuse("Enter the fixed fee as a whole number of minor units (cents), 0 or more.");
      if (percentBps === null || percentBps > 5_000) return refuse("Enter the percentage fee from 0 to 50.");
      if (minCredits === null || maxCredits === null) return refuse("Enter the minimum and maximum as whole numbers of credits.");
      return { method, fixedMinor, percentBps, minCredits, maxCredits };
    })
    .pipe(methodTermsSchema);
}

function MethodForm({ method, terms }: { method: PayoutMethod; terms: PayoutMethodTerms | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const setMethod = useMutation(trpc.payouts.settings.setMethod.mutationOptions());
  const removeMethod = useMutation(trpc.payouts.settings.removeMethod.mutationOptions());
  const form = useZodForm({
    schema: methodTermsFormSchema(method),
    initial: {
      fixed: terms?.fixedMinor.toString() ?? "0",
      percent: terms ? formatBps(terms.percentBps).replace("%", "") : "0",
      min: terms?.minCredits.toString() ?? "",
      max: terms?.maxCredits.toString() ?? "",
    },
  });
  const [removeError, setRemoveError] = useState<string | null>(null);
  const { values, set } = form;
  const error = form.formError ?? removeError;
  const label = PAYOUT_METHOD_LABELS[method];

  function refresh() {
    void queryClient.invalidateQueries(trpc.payouts.pathFilter());
  }

  function edit(name: keyof typeof values, value: string) {
    set(name, value);
    setRemoveError(null);
  }

  const submit = form.onSubmit(async (input) => {
    setRemoveError(null);
    await setMethod.mutateAsync(input);
    refresh();
    toast.success(`${label} saved`, terms ? "New requests use these terms." : "Performers can choose it now.");
  });

  return (
    <form onSubmit={submit} noValidate aria-label={`${label} terms`} className="space-y-3 rounded-control border border-line p-4">
      <div className="flex items-center justify-between gap-3">
        <h3 className="font-semibold">{label}</h3>
        {terms ? <Badge tone="success">Offered</Badge> : <Badge>Not offered</Badge>}
      </div>
      {error ? <FormAlert>{error}</FormAlert> : null}
      <div className="grid gap-3 sm:grid-cols-4">
        <Field label="Fixed fee (cents)" name={`${method}-fixed`}>
          {(control) => <Input {...control} inputMode="numeric" value={values.fixed} onChange={(event) => edit("fixed", event.target.value)} />}
        </Field>
        <Field label="Fee (%)" name={`${method}-percent`}>
          {(control) => <Input {...control} inputMode="decimal" value={values.percent} onChange={(event) => edit("percent", event.target.value)} />}
        </Field>
        <Field label="Minimum (credits)" name={`${method}-min`}>
          {(control) => <Input {...control} inputMode="numeric" value={values.min} onChange={(event) => edit("min", event.target.value)} />}
        </Field>
        <Field label="Maximum (credits)" name={`${method}-max`}>
          {(control) => <Input {...control} inputMode="numeric" value={values.max} onChange={(event) => edit("max", event.target.value)} />}
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" size="sm" loading={form.pending}>
          {terms ? `Save ${label}` : `Offer ${label}`}
        </Button>
        {terms ? (
          <Button
            size="sm"
            variant="ghost"
            className="text-red-700"
            loading={removeMethod.isPending}
            onClick={() => removeMethod.mutate({ method }, { onSuccess: refresh, onError: (failure) => setRemoveError(describeTrpcError(failure).message) })}
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
