"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
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
  PAYOUT_METHOD_LABELS,
  type PayoutFieldDefinition,
  type PayoutFieldFormat,
  fieldsForMethod,
  payoutDestinationChanged,
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
  const firstMethod = data.methods[0]?.method ?? "PAYPAL";
  const [method, setMethod] = useState<PayoutMethod>(data.profile?.method ?? firstMethod);
  const [currency, setCurrency] = useState(data.profile?.currency ?? data.currencies[0]?.currency ?? "");
  const [values, setValues] = useState<Record<string, string>>(data.profile?.details ?? {});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const fields = fieldsForMethod(data.fields, method);
  const offered = data.methods.map((terms) => terms.method);
  if (data.profile && !offered.includes(data.profile.method)) offered.push(data.profile.method);

  function validated() {
    return validatePayoutDetails(data.fields, method, values);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const result = validated();
    setFieldErrors(result.fieldErrors);
    if (Object.keys(result.fieldErrors).length > 0) return;
    const stripeAccountId = data.profile?.stripeAccountId ?? null;
    const changed = payoutDestinationChanged(
      data.profile && { method: data.profile.method, details: data.profile.details, stripeAccountId: data.profile.method === "STRIPE_CONNECT" ? stripeAccountId : null },
      { method, details: result.values, stripeAccountId: method === "STRIPE_CONNECT" ? stripeAccountId : null },
    );
    if (changed && data.lockDays > 0) setConfirming(true);
    else persist();
  }

  function persist() {
    save.mutate(
      { method, currency, details: validated().values },
      {
        onSuccess: (saved) => {
          setConfirming(false);
          void queryClient.invalidateQueries(trpc.payouts.pathFilter());
          toast.success(
            "Payout details saved",
            saved.lockedUntil ? `Withdrawals open again on ${dateTimeFormat.format(saved.lockedUntil)}.` : "Nothing changed that pauses withdrawals.",
          );
        },
        onError: (error) => {
          setConfirming(false);
          const described = describeTrpcError(error);
          setFieldErrors(described.fieldErrors);
          setFormError(described.message);
        },
      },
    );
  }

  if (data.methods.length === 0 || data.currencies.length === 0) {
    return <FormAlert tone="info">Payouts are not set up on Tipmeter yet. An admin has to offer a payout method and currency first.</FormAlert>;
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-5" aria-label="Payout details">
      {data.lockedUntil ? (
        <FormAlert tone="info">
          Your payout details changed recently, so withdrawals are paused until {dateTimeFormat.format(data.lockedUntil)}. This protects your
          earnings if someone else gets into your account.
        </FormAlert>
      ) : null}
      {data.missing.length > 0 ? <FormAlert>Your payout details are incomplete: add {data.missing.join(", ")}.</FormAlert> : null}
      {formError ? <FormAlert>{formError}</FormAlert> : null}

      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Payout method" name="method" error={fieldErrors.method}>
          {(control) => (
            <Select {...control} value={method} onChange={(event) => setMethod(event.target.value as PayoutMethod)}>
              {offered.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {PAYOUT_METHOD_LABELS[candidate]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Payout currency" name="currency" error={fieldErrors.currency}>
          {(control) => (
            <Select {...control} value={currency} onChange={(event) => setCurrency(event.target.value)}>
              {data.currencies.map((rate) => (
                <option key={rate.currency} value={rate.currency}>
                  {rate.currency}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {fields.map((field) => (
          <Field key={field.key} label={field.label} name={field.key} labelSuffix={field.required ? undefined : "optional"} error={fieldErrors[field.key]}>
            {(control) => (
              <Input
                {...control}
                type={field.format === "email" ? "email" : "text"}
                autoComplete="off"
                placeholder={PLACEHOLDERS[field.format]}
                value={values[field.key] ?? ""}
                onChange={(event) => {
                  setValues((current) => ({ ...current, [field.key]: event.target.value }));
                  setFieldErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => key !== field.key)));
                }}
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
        <Button type="submit" loading={save.isPending}>
          Save payout details
        </Button>
        {data.lockDays > 0 ? (
          <p className="text-sm text-muted">Changing where your money goes pauses withdrawals for {data.lockDays} days.</p>
        ) : null}
      </div>

      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={persist}
        pending={save.isPending}
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
