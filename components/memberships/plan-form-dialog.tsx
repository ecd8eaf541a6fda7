"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CheckboxField, FormDialog } from "@/components/kit/form-dialog";
import { textAs, wholeNumber } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { MAX_PERIOD_DAYS, MIN_PERIOD_DAYS, planInputSchema } from "@/server/domain/memberships";
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

const PERIOD_MESSAGE = `Enter a whole number of days from ${MIN_PERIOD_DAYS} to ${MAX_PERIOD_DAYS}.`;

/** The plan form read into the tRPC input: the server's schema, with its number fields typed as text. */
const planFormSchema = planInputSchema.extend({
  price: textAs(parseCredits, "Enter a whole number of credits, 1 or more.").pipe(planInputSchema.shape.price),
  periodDays: textAs((text) => wholeNumber(text, 3), PERIOD_MESSAGE).pipe(planInputSchema.shape.periodDays),
});

function valuesOf(plan: EditablePlan | null) {
  if (!plan) return { name: "", description: "", perks: "", price: "", periodDays: "30", active: true };
  const { name, description, perks, price, periodDays, active } = plan;
  return { name, description, perks, price: price.toString(), periodDays: String(periodDays), active };
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
  const form = useZodForm({ schema: planFormSchema, initial: valuesOf(plan) });
  const createFanClub = useMutation(trpc.memberships.createPlan.mutationOptions());
  const updateFanClub = useMutation(trpc.memberships.updatePlan.mutationOptions());
  const createSitePlan = useMutation(trpc.memberships.siteAdmin.createPlan.mutationOptions());
  const updateSitePlan = useMutation(trpc.memberships.siteAdmin.updatePlan.mutationOptions());
  const { values, errors, set } = form;

  const save = form.onSubmit(async (input) => {
    if (scope === "site") {
      if (plan) await updateSitePlan.mutateAsync({ id: plan.id, ...input });
      else await createSitePlan.mutateAsync(input);
    } else if (plan) {
      await updateFanClub.mutateAsync({ id: plan.id, ...input });
    } else {
      await createFanClub.mutateAsync(input);
    }
    await queryClient.invalidateQueries(scope === "site" ? trpc.memberships.siteAdmin.plans.pathFilter() : trpc.memberships.myPlans.pathFilter());
    toast.success(plan ? "Plan saved" : "Plan created", `${input.name} is ${input.active ? "open to new members" : "closed to new members"}.`);
    onClose();
  });

  return (
    <FormDialog
      title={plan ? `Edit ${plan.name}` : scope === "site" ? "New site plan" : "New fan club plan"}
      onClose={onClose}
      onSubmit={save}
      pending={form.pending}
      formError={form.formError}
      submitLabel={plan ? "Save plan" : "Create plan"}
    >
      <Field label="Name" name="name" error={errors.name}>
        {(control) => <Input {...control} value={values.name} maxLength={60} onChange={(event) => set("name", event.target.value)} />}
      </Field>
      {plan ? (
        <p className="text-sm text-muted">
          Current members keep the period they joined on; a new period applies to those who join from now on. A lower price reaches
          current members at their next renewal, a higher one only new members.
        </p>
      ) : null}
      <div className="grid grid-cols-2 gap-3">
        <Field label="Price (credits)" name="price" error={errors.price}>
          {(control) => <Input {...control} inputMode="numeric" value={values.price} onChange={(event) => set("price", event.target.value)} />}
        </Field>
        <Field label="Period (days)" name="periodDays" error={errors.periodDays}>
          {(control) => <Input {...control} inputMode="numeric" value={values.periodDays} onChange={(event) => set("periodDays", event.target.value)} />}
        </Field>
      </div>
      <Field label="Description" name="description" labelSuffix="optional" error={errors.description}>
        {(control) => <Textarea {...control} rows={3} value={values.description} onChange={(event) => set("description", event.target.value)} />}
      </Field>
      <Field label="Perks" name="perks" labelSuffix="one per line" error={errors.perks} hint="What members get, shown as a list on the plan.">
        {(control) => <Textarea {...control} rows={4} value={values.perks} onChange={(event) => set("perks", event.target.value)} />}
      </Field>
      <CheckboxField
        label="Open to new members"
        description="When closed, nobody can join and current memberships end with their paid period."
        checked={values.active}
        onChange={(checked) => set("active", checked)}
      />
    </FormDialog>
  );
}
