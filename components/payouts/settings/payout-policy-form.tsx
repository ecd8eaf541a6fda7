"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { formatCredits, parseCredits } from "@/server/domain/money";

interface Policy {
  methodLockDays: number;
  autoApproveBelowCredits: bigint | null;
}

/**
 * The payout-method lock and the optional auto-approval. Auto-approval is off by default: switching it on is
 * confirmed in a warning, since approved requests to a Stripe account are paid out with no one looking.
 */
export function PayoutPolicyForm({ policy }: { policy: Policy }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useMutation(trpc.settings.set.mutationOptions());
  const [lockDays, setLockDays] = useState(String(policy.methodLockDays));
  const [autoApprove, setAutoApprove] = useState(policy.autoApproveBelowCredits !== null);
  const [threshold, setThreshold] = useState(policy.autoApproveBelowCredits?.toString() ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [warning, setWarning] = useState<Policy | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const days = Number(lockDays);
    const next: Record<string, string> = {};
    if (!/^\d{1,3}$/.test(lockDays.trim()) || days > 365) next.lockDays = "Enter a whole number of days from 0 to 365.";
    const credits = autoApprove ? parseCredits(threshold) : null;
    if (autoApprove && credits === null) next.threshold = "Enter a whole number of credits, 1 or more.";
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    const value: Policy = { methodLockDays: days, autoApproveBelowCredits: credits };
    if (credits !== null && (policy.autoApproveBelowCredits === null || credits > policy.autoApproveBelowCredits)) setWarning(value);
    else persist(value);
  }

  function persist(value: Policy) {
    save.mutate(
      { key: "payouts", value },
      {
        onSuccess: () => {
          setWarning(null);
          void queryClient.invalidateQueries(trpc.payouts.settings.pathFilter());
          toast.success("Payout policy saved");
        },
        onError: (error) => {
          setWarning(null);
          toast.error("Not saved", describeTrpcError(error).message);
        },
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {policy.autoApproveBelowCredits !== null ? (
        <FormAlert>
          Auto-approval is on: requests of up to {formatCredits(policy.autoApproveBelowCredits)} credits are approved without review.
        </FormAlert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Lock after a payout change (days)"
          name="lockDays"
          error={errors.lockDays}
          hint="Withdrawals stay blocked this long after a performer changes their payout method or details."
        >
          {(control) => <Input {...control} inputMode="numeric" value={lockDays} onChange={(event) => setLockDays(event.target.value)} />}
        </Field>
        <div className="space-y-3">
          <label className="flex items-center gap-2 text-sm font-medium">
            <input type="checkbox" checked={autoApprove} onChange={(event) => setAutoApprove(event.target.checked)} />
            Approve small requests automatically
          </label>
          {autoApprove ? (
            <Field
              label="Up to (credits)"
              name="threshold"
              error={errors.threshold}
              hint="Counted per performer over 24 hours, so a large withdrawal split into small requests still waits for review."
            >
              {(control) => <Input {...control} inputMode="numeric" value={threshold} onChange={(event) => setThreshold(event.target.value)} />}
            </Field>
          ) : (
            <p className="text-sm text-muted">Off: an admin reviews every request.</p>
          )}
        </div>
      </div>
      <Button type="submit" loading={save.isPending}>
        Save policy
      </Button>
      <ConfirmDialog
        open={warning !== null}
        onClose={() => setWarning(null)}
        onConfirm={() => warning && persist(warning)}
        pending={save.isPending}
        tone="danger"
        title="Approve withdrawals without review?"
        description={`Requests of up to ${formatCredits(warning?.autoApproveBelowCredits ?? 0n)} credits will be approved the moment they are made, and those to a Stripe account paid out at once. If an account is taken over, money can leave before anyone looks. Keep the amount small.`}
        confirmLabel="Turn on auto-approval"
      />
    </form>
  );
}
