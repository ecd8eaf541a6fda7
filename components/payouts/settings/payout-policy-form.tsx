"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { flushSync } from "react-dom";
import { z } from "zod";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { formatCredits, parseCredits } from "@/server/domain/money";
import { SETTINGS } from "@/server/domain/settings";

interface Policy {
  methodLockDays: number;
  autoApproveBelowCredits: bigint | null;
}

/** The policy form read into the "payouts" setting: the threshold only counts while auto-approval is ticked. */
const policyFormSchema = z
  .object({ lockDays: z.string(), autoApprove: z.boolean(), threshold: z.string() })
  .transform(({ lockDays, autoApprove, threshold }, ctx) => {
    const days = /^\d{1,3}$/.test(lockDays.trim()) ? Number(lockDays) : Number.NaN;
    if (!(days <= 365)) ctx.addIssue({ code: "custom", path: ["lockDays"], message: "Enter a whole number of days from 0 to 365." });
    const credits = autoApprove ? parseCredits(threshold) : null;
    if (autoApprove && credits === null) ctx.addIssue({ code: "custom", path: ["threshold"], message: "Enter a whole number of credits, 1 or more." });
    return { methodLockDays: days, autoApproveBelowCredits: credits };
  })
  // The setting reads stored JSON, so its credits are coerced and typed as taking anything; here they are bigints.
  .pipe(SETTINGS.payouts.schema as z.ZodType<Policy, Policy>);

/**
 * The payout-method lock and the optional auto-approval. Auto-approval is off by default: switching it on is
 * confirmed in a warning, since approved requests to a Stripe account are paid out with no one looking.
 */
export function PayoutPolicyForm({ policy }: { policy: Policy }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useMutation(trpc.settings.set.mutationOptions());
  const form = useZodForm({
    schema: policyFormSchema,
    initial: {
      lockDays: String(policy.methodLockDays),
      autoApprove: policy.autoApproveBelowCredits !== null,
      threshold: policy.autoApproveBelowCredits?.toString() ?? "",
    },
  });
  const { values, errors, set } = form;
  /** The threshold the warning asks about, while it is open. */
  const [warning, setWarning] = useState<bigint | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const formElement = useRef<HTMLFormElement>(null);

  const submit = form.onSubmit(async (value) => {
    const credits = value.autoApproveBelowCredits;
    const raises = credits !== null && (policy.autoApproveBelowCredits === null || credits > policy.autoApproveBelowCredits);
    // Raising the threshold waits for the warning, whose confirmation submits the form again.
    if (raises && !confirmed) return setWarning(credits);
    try {
      await save.mutateAsync({ key: "payouts", value });
      void queryClient.invalidateQueries(trpc.payouts.settings.pathFilter());
      toast.success("Payout policy saved");
    } catch (error) {
      toast.error("Not saved", describeTrpcError(error).message);
    } finally {
      setWarning(null);
      setConfirmed(false);
    }
  });

  function confirm() {
    flushSync(() => setConfirmed(true));
    formElement.current?.requestSubmit();
  }

  return (
    <form ref={formElement} onSubmit={submit} noValidate className="space-y-4">
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
          {(control) => <Input {...control} inputMode="numeric" value={values.lockDays} onChange={(event) => set("lockDays", event.target.value)} />}
        </Field>
        <div className="space-y-3">
          <label className="flex items-center gap-2 text-sm font-medium">
            <input type="checkbox" checked={values.autoApprove} onChange={(event) => set("autoApprove", event.target.checked)} />
            Approve small requests automatically
          </label>
          {values.autoApprove ? (
            <Field
              label="Up to (credits)"
              name="threshold"
              error={errors.threshold}
              hint="Counted per performer over 24 hours, so a large withdrawal split into small requests still waits for review."
            >
              {(control) => <Input {...control} inputMode="numeric" value={values.threshold} onChange={(event) => set("threshold", event.target.value)} />}
            </Field>
          ) : (
            <p className="text-sm text-muted">Off: an admin reviews every request.</p>
          )}
        </div>
      </div>
      <Button type="submit" loading={form.pending}>
        Save policy
      </Button>
      <ConfirmDialog
        open={warning !== null}
        onClose={() => setWarning(null)}
        onConfirm={confirm}
        pending={form.pending}
        tone="danger"
        title="Approve withdrawals without review?"
        description={`Requests of up to ${formatCredits(warning ?? 0n)} credits will be approved the moment they are made, and those to a Stripe account paid out at once. If an account is taken over, money can leave before anyone looks. Keep the amount small.`}
        confirmLabel="Turn on auto-approval"
      />
    </form>
  );
}
