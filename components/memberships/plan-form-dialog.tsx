"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { MAX_PERIOD_DAYS, MIN_PERIOD_DAYS } from "@/server/domain/memberships";
import { parseCredits } from "@/server/domain/money";

/** Whose plans the manager edits: the signed-in performer's fan clubs, or the site's plans (admins). */
export type PlanScope = "performer" | "site";

export interface EditablePlan {
  id: string;
  name: string;
  description: string;
  perks: string;
  price: bigint;
  periodDays: number;
  active: boolean;
}

interface Draft {
  name: string;
  description: string;
  perks: string;
  price: string;
  periodDays: string;
  active: boolean;
}

const FIELD_NAMES = ["name", "description", "perks", "price", "periodDays"] as const;
type FieldName = (typeof FIELD_NAMES)[number];
type Errors = Partial<Record<FieldName, string>>;

const isFieldName = (value: string): value is FieldName => FIELD_NAMES.some((name) => name === value);

function draftOf(plan: EditablePlan | null): Draft {
  if (!plan) return { name: "", description: "", perks: "", price: "", periodDays: "30", active: true };
  const { name, description, perks, price, periodDays, active } = plan;
  return { name, description, perks, price: price.toString(), periodDays: String(periodDays), active };
}

/** What the form checks before asking; the server's rules (bounds, lengths) come back as field messages. */
function parseDraft(draft: Draft) {
  const price = parseCredits(draft.price);
  const periodDays = /^\d{1,3}$/.test(draft.periodDays.trim()) ? Number(draft.periodDays.trim()) : null;
  const errors: Errors = {};
  if (draft.name.trim().length < 2) errors.name = "Give the plan a name of at least 2 characters.";
  if (price === null) errors.price = "Enter a whole number of credits, 1 or more.";
  if (periodDays === null || periodDays < MIN_PERIOD_DAYS || periodDays > MAX_PERIOD_DAYS) {
    errors.periodDays = `Enter a whole number of days from ${MIN_PERIOD_DAYS} to ${MAX_PERIOD_DAYS}.`;
  }
  if (price === null || periodDays === null || Object.keys(errors).length > 0) return { errors };
  return {
    input: { name: draft.name.trim(), description: draft.description.trim(), perks: draft.perks.trim(), price, periodDays, active: draft.active },
  };
}

interface PlanFormDialogProps {
  scope: PlanScope;
  /** The plan to edit, or null to create one. */
  plan: EditablePlan | null;
  onClose: () => void;
}

/** Create or edit a plan. Mount it per opening (a key), so the form starts from the plan each time. */
export function PlanFormDialog({ scope, plan, onClose }: PlanFormDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState<Draft>(() => draftOf(plan));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const createFanClub = useMutation(trpc.memberships.createPlan.mutationOptions());
  const updateFanClub = useMutation(trpc.memberships.updatePlan.mutationOptions());
  const createSitePlan = useMutation(trpc.memberships.siteAdmin.createPlan.mutationOptions());
  const updateSitePlan = useMutation(trpc.memberships.siteAdmin.updatePlan.mutationOptions());
  const pending = [createFanClub, updateFanClub, createSitePlan, updateSitePlan].some((mutation) => mutation.isPending);

  function change(changes: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...changes }));
    setErrors({});
    setFormError(null);
  }

  async function save(input: NonNullable<ReturnType<typeof parseDraft>["input"]>) {
    if (scope === "site") {
      if (plan) await updateSitePlan.mutateAsync({ id: plan.id, ...input });
      else await createSitePlan.mutateAsync(input);
    } else if (plan) {
      await updateFanClub.mutateAsync({ id: plan.id, ...input });
    } else {
      await createFanClub.mutateAsync(input);
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseDraft(draft);
    if (!parsed.input) {
      setErrors(parsed.errors);
      return;
    }
    try {
      await save(parsed.input);
    } catch (error) {
      const { message, fieldErrors } = describeTrpcError(error);
      const byField: Errors = {};
      for (const [key, messages] of Object.entries(fieldErrors)) if (isFieldName(key) && messages[0]) byField[key] = messages[0];
      setErrors(byField);
      setFormError(Object.keys(byField).length > 0 ? null : message);
      return;
    }
    await queryClient.invalidateQueries(scope === "site" ? trpc.memberships.siteAdmin.plans.pathFilter() : trpc.memberships.myPlans.pathFilter());
    toast.success(plan ? "Plan saved" : "Plan created", `${parsed.input.name} is ${parsed.input.active ? "open to new members" : "closed to new members"}.`);
    onClose();
  }

  return (
    <Dialog open onClose={onClose} busy={pending} title={plan ? `Edit ${plan.name}` : scope === "site" ? "New site plan" : "New fan club plan"}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="space-y-4 px-6 pt-4">
          {formError ? <FormAlert>{formError}</FormAlert> : null}
          <Field label="Name" name="name" error={errors.name}>
            {(control) => <Input {...control} value={draft.name} maxLength={60} onChange={(event) => change({ name: event.target.value })} />}
          </Field>
          {plan ? (
            <p className="text-sm text-muted">
              Current members keep the period they joined on; a new period applies to those who join from now on. A lower price
              reaches current members at their next renewal, a higher one only new members.
            </p>
          ) : null}
          <div className="grid grid-cols-2 gap-3">
            <Field label="Price (credits)" name="price" error={errors.price}>
              {(control) => <Input {...control} inputMode="numeric" value={draft.price} onChange={(event) => change({ price: event.target.value })} />}
            </Field>
            <Field label="Period (days)" name="periodDays" error={errors.periodDays}>
              {(control) => (
                <Input {...control} inputMode="numeric" value={draft.periodDays} onChange={(event) => change({ periodDays: event.target.value })} />
              )}
            </Field>
          </div>
          <Field label="Description" name="description" labelSuffix="optional" error={errors.description}>
            {(control) => (
              <Textarea {...control} rows={3} value={draft.description} onChange={(event) => change({ description: event.target.value })} />
            )}
          </Field>
          <Field label="Perks" name="perks" labelSuffix="one per line" error={errors.perks} hint="What members get, shown as a list on the plan.">
            {(control) => <Textarea {...control} rows={4} value={draft.perks} onChange={(event) => change({ perks: event.target.value })} />}
          </Field>
          <label className="flex items-start gap-3 text-sm">
            <input
              type="checkbox"
              checked={draft.active}
              onChange={(event) => change({ active: event.target.checked })}
              className="mt-0.5 size-4 accent-accent-600"
            />
            <span>
              <span className="font-medium">Open to new members</span>
              <span className="block text-muted">When closed, nobody can join and current memberships end with their paid period.</span>
            </span>
          </label>
        </div>
        <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {plan ? "Save plan" : "Create plan"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
