"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { flushSync } from "react-dom";
import { z } from "zod";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import {
  PAYOUT_METHODS,
  PAYOUT_METHOD_LABELS,
  type PayoutFieldDefinition,
  type PayoutFieldFormat,
  fieldsForMethod,
  payoutDestinationChanged,
  savePayoutProfileSchema,
  validatePayoutDetails,
} from "@/server/domain/payouts";
import type { PayoutMethod } from "@/server/generated/prisma/enums";
import { dateTimeFormat } from "./withdrawal-status";

type ReturnTo = "profile" | "account";

const PLACEHOLDERS: Partial<Record<PayoutFieldFormat, string>> = {
  email: "name@example.com",
  country: "US",
  iban: "DE89 3704 0044 0532 0130 00",
  swift: "DEUTDEFF",
};

interface ProfileData {
  profile: { method: PayoutMethod; currency: string; details: Record<string, string>; stripeAccountId: string | null } | null;
  lockedUntil: Date | null;
  lockDays: number;
  missing: string[];
  fields: Array<PayoutFieldDefinition & { id: string }>;
  methods: Array<{ method: PayoutMethod }>;
  currencies: Array<{ currency: string }>;
}

const isPayoutMethod = (value: string | undefined): value is PayoutMethod => PAYOUT_METHODS.some((method) => method === value);

/**
 * The profile form read into the tRPC input: the method, the currency, and each of the method's fields (one form
 * value per field key; payout field keys never take "method" or "currency") checked as the server checks them.
 */
function profileFormSchema(fields: readonly PayoutFieldDefinition[]) {
  return z
    .object({ method: z.enum(PAYOUT_METHODS), currency: z.string() })
    .catchall(z.string())
    .transform(({ method, currency, ...entered }, ctx) => {
      const { values, fieldErrors } = validatePayoutDetails(fields, method, entered);
      for (const [key, [message]] of Object.entries(fieldErrors)) ctx.addIssue({ code: "custom", path: [key], message: message ?? "Check this field." });
      return { method, currency, details: values };
    })
    .pipe(savePayoutProfileSchema);
}

function initialValues(data: ProfileData): Record<string, string> {
  const details = Object.fromEntries(data.fields.map((field) => [field.key, data.profile?.details[field.key] ?? ""]));
  return {
    ...details,
    method: data.profile?.method ?? data.methods[0]?.method ?? "PAYPAL",
    currency: data.profile?.currency ?? data.currencies[0]?.currency ?? "",
  };
}

function StripeConnect({ returnTo }: { returnTo: ReturnTo }) {
  const trpc = useTRPC();
  const toast = useToast();
  const status = useQuery(trpc.payouts.profile.stripeStatus.queryOptions());
  const start = useMutation(trpc.payouts.profile.startStripeOnboarding.mutationOptions());

  function open() {
    start.mutate(
      { returnTo },
      {
        onSuccess: ({ url }) => window.location.assign(url),
        onError: (error) => toast.error("Stripe onboarding did not open", describeTrpcError(error).message),
      },
    );
  }

  if (status.isError) return <QueryError what="your Stripe account" onRetry={() => void status.refetch()} retrying={status.isFetching} />;
  if (!status.data) return <Skeleton className="h-16 w-full" />;
  const ready = status.data.payoutsEnabled;
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-control border border-line bg-subtle/50 px-4 py-3 text-sm">
      <div className="space-y-1">
        <p className="flex items-center gap-2 font-medium">
          Stripe account {ready ? <Badge tone="success">Ready for payouts</Badge> : <Badge tone="warning">Not ready</Badge>}
        </p>
        <p className="text-muted">
          {status.data.accountId
            ? ready
              ? "Approved withdrawals are paid to your bank through Stripe."
              : "Finish Stripe's onboarding so that withdrawals can be paid."
            : "Connect a Stripe account: Stripe collects your bank details and pays you out."}
        </p>
      </div>
      {ready ? null : (
        <Button variant="secondary" onClick={open} loading={start.isPending}>
          {status.data.accountId ? "Finish Stripe onboarding" : "Connect with Stripe"}
        </Button>
      )}
    </div>
  );
}

function ProfileEditor({ data, returnTo }: { data: ProfileData; returnTo: ReturnTo }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useMutation(trpc.payouts.profile.save.mutationOptions());
  const form = useZodForm({ schema: profileFormSchema(data.fields), initial: initialValues(data) });
  const [confirming, setConfirming] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const formElement = useRef<HTMLFormElement>(null);
  const { values, errors, set } = form;
  const method = isPayoutMethod(values.method) ? values.method : (data.methods[0]?.method ?? "PAYPAL");

  const fields = fieldsForMethod(data.fields, method);
  const offered = data.methods.map((terms) => terms.method);
  if (data.profile && !offered.includes(data.profile.method)) offered.push(data.profile.method);

  const submit = form.onSubmit(async (input) => {
    const stripeAccountId = data.profile?.stripeAccountId ?? null;
    const changed = payoutDestinationChanged(
      data.profile && { method: data.profile.method, details: data.profile.details, stripeAccountId: data.profile.method === "STRIPE_CONNECT" ? stripeAccountId : null },
      { method: input.method, details: input.details, stripeAccountId: input.method === "STRIPE_CONNECT" ? stripeAccountId : null },
    );
    // A change of destination waits for the confirmation, which submits the form again.
    if (changed && data.lockDays > 0 && !confirmed) return setConfirming(true);
    try {
      const saved = await save.mutateAsync(input);
      void queryClient.invalidateQueries(trpc.payouts.pathFilter());
      toast.success(
        "Payout details saved",
        saved.lockedUntil ? `Withdrawals open again on ${dateTimeFormat.format(saved.lockedUntil)}.` : "Nothing changed that pauses withdrawals.",
      );
    } finally {
      setConfirming(false);
      setConfirmed(false);
    }
  });

  function confirm() {
    flushSync(() => setConfirmed(true));
    formElement.current?.requestSubmit();
  }

  if (data.methods.length === 0 || data.currencies.length === 0) {
    return <FormAlert tone="info">Payouts are not set up on Tipmeter yet. An admin has to offer a payout method and currency first.</FormAlert>;
  }

  return (
    <form ref={formElement} onSubmit={submit} noValidate className="space-y-5" aria-label="Payout details">
      {data.lockedUntil ? (
        <FormAlert tone="info">
          Your payout details changed recently, so withdrawals are paused until {dateTimeFormat.format(data.lockedUntil)}. This protects your
          earnings if someone else gets into your account.
        </FormAlert>
      ) : null}
      {data.missing.length > 0 ? <FormAlert>Your payout details are incomplete: add {data.missing.join(", ")}.</FormAlert> : null}
      {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}

      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Payout method" name="method" error={errors.method}>
          {(control) => (
            <Select {...control} value={method} onChange={(event) => set("method", event.target.value)}>
              {offered.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {PAYOUT_METHOD_LABELS[candidate]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Payout currency" name="currency" error={errors.currency}>
          {(control) => (
            <Select {...control} value={values.currency} onChange={(event) => set("currency", event.target.value)}>
              {data.currencies.map((rate) => (
                <option key={rate.currency} value={rate.currency}>
                  {rate.currency}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {fields.map((field) => (
          <Field key={field.key} label={field.label} name={field.key} labelSuffix={field.required ? undefined : "optional"} error={errors[field.key]}>
            {(control) => (
              <Input
                {...control}
                type={field.format === "email" ? "email" : "text"}
                autoComplete="off"
                placeholder={PLACEHOLDERS[field.format]}
                value={values[field.key] ?? ""}
                onChange={(event) => set(field.key, event.target.value)}
              />
            )}
          </Field>
        ))}
      </div>

      {data.profile?.method === "STRIPE_CONNECT" && method === "STRIPE_CONNECT" ? <StripeConnect returnTo={returnTo} /> : null}
      {method === "STRIPE_CONNECT" && data.profile?.method !== "STRIPE_CONNECT" ? (
        <p className="text-sm text-muted">Save to choose Stripe; then connect your Stripe account here.</p>
      ) : null}

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" loading={form.pending}>
          Save payout details
        </Button>
        {data.lockDays > 0 ? (
          <p className="text-sm text-muted">Changing where your money goes pauses withdrawals for {data.lockDays} days.</p>
        ) : null}
      </div>

      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={confirm}
        pending={form.pending}
        title="Change your payout details?"
        description={`For your safety, withdrawals pause for ${data.lockDays} days after your payout method or details change. Requests you already made keep the details they were made with.`}
        confirmLabel="Save and pause withdrawals"
      />
    </form>
  );
}

/** The signed-in performer's (or applicant's) payout details, checked against the fields admins require. */
export function PayoutProfileForm({ returnTo }: { returnTo: ReturnTo }) {
  const trpc = useTRPC();
  const profile = useQuery(trpc.payouts.profile.get.queryOptions());
  if (profile.isError) return <QueryError what="your payout details" onRetry={() => void profile.refetch()} retrying={profile.isFetching} />;
  if (!profile.data) {
    return (
      <div className="space-y-3" role="status">
        <span className="sr-only">Loading your payout details…</span>
        <Skeleton className="h-10 w-full" />
        <Skeleton className="h-10 w-2/3" />
      </div>
    );
  }
  // Remounted after each save, so the form starts from what was stored.
  return <ProfileEditor key={profile.data.profile?.updatedAt.toISOString() ?? "new"} data={profile.data} returnTo={returnTo} />;
}
