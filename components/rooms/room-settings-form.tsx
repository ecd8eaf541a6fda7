"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { formValuesFrom, roomSettingsFormSchema } from "@/components/rooms/room-settings-input";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits } from "@/server/domain/money";
import type { MeterControl, RoomAccess } from "@/server/generated/prisma/enums";
import type { RoomSettingsView } from "@/server/services/rooms";

const METER_CONTROL_LABELS: Record<MeterControl, string> = {
  AUTOMATIC: "Automatic: the meter runs from the start of a show",
  PERFORMER_STARTS: "I start the meter",
  PERFORMER_CONTROLS: "I start, pause and stop the meter",
};

const ACCESS_LABELS: Record<RoomAccess, string> = {
  PUBLIC: "Everyone signed in",
  MEMBERSHIP: "Members of one of my plans",
  PAID: "Members who unlocked room access",
};

type NumberField = "privatePricePerMinute" | "groupPricePerMinute" | "freeSeconds" | "minimumMinutes" | "incrementSeconds" | "tabSplitThreshold";

function RoomSettingsForm({ settings }: { settings: RoomSettingsView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const update = useMutation(trpc.rooms.updateSettings.mutationOptions());
  const { bounds, defaults } = settings;
  const form = useZodForm({ schema: roomSettingsFormSchema(bounds, settings.tabSplitAllowed), initial: formValuesFrom(settings) });
  const { values, errors, set } = form;

  const submit = form.onSubmit(async (input) => {
    const saved = await update.mutateAsync(input);
    queryClient.setQueryData(trpc.rooms.settings.queryKey(), saved);
    form.reset(formValuesFrom(saved));
    void queryClient.invalidateQueries(trpc.rooms.get.pathFilter());
    toast.success("Room settings saved", "New shows use them from now on.");
  });

  const numberField = (field: NumberField, label: string, fallback: string, hint: string) => (
    <Field label={label} name={field} error={errors[field]} hint={hint}>
      {(control) => (
        <Input {...control} inputMode="numeric" autoComplete="off" placeholder={fallback} value={values[field]} onChange={(event) => set(field, event.target.value)} />
      )}
    </Field>
  );
  const priceHint = (fallback: bigint) =>
    `Blank: site default (${formatCredits(fallback)}). From ${formatCredits(bounds.minPricePerMinute)} to ${formatCredits(bounds.maxPricePerMinute)}.`;

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {numberField("privatePricePerMinute", "Private show price (credits a minute)", defaults.privatePricePerMinute.toString(), priceHint(defaults.privatePricePerMinute))}
        {numberField("groupPricePerMinute", "Group show price (credits a minute)", defaults.groupPricePerMinute.toString(), priceHint(defaults.groupPricePerMinute))}
        {numberField("freeSeconds", "Free time at the start (seconds)", defaults.freeSeconds.toString(), `Blank: site default (${defaults.freeSeconds}).`)}
        {numberField("minimumMinutes", "Minimum charge (minutes)", defaults.minimumMinutes.toString(), `Blank: site default (${defaults.minimumMinutes}).`)}
        {numberField(
          "incrementSeconds",
          "Billing increment (seconds)",
          defaults.incrementSeconds.toString(),
          `After the minimum, charged per increment. Blank: site default (${defaults.incrementSeconds}).`,
        )}
        {settings.tabSplitAllowed ? (
          numberField(
            "tabSplitThreshold",
            "Card tab split threshold (credits)",
            "",
            "Optional. A member's card tab is charged each time this many credits accrue, so a failed card loses at most this much. Blank: charged once, when the tab closes.",
          )
        ) : (
          <p className="text-sm text-muted sm:col-span-2">
            Card tabs in your room are charged as Tipmeter sets{settings.tabSplitThreshold !== null ? ` (your earlier ${formatCredits(settings.tabSplitThreshold)}-credit split no longer applies)` : ""}.
          </p>
        )}
        <Field label="Meter control" name="meterControl" error={errors.meterControl}>
          {(control) => (
            <Select {...control} value={values.meterControl} onChange={(event) => set("meterControl", event.target.value as MeterControl)}>
              {(Object.keys(METER_CONTROL_LABELS) as MeterControl[]).map((value) => (
                <option key={value} value={value}>
                  {METER_CONTROL_LABELS[value]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Who may enter" name="access" error={errors.access}>
          {(control) => (
            <Select {...control} value={values.access} onChange={(event) => set("access", event.target.value as RoomAccess)}>
              {(Object.keys(ACCESS_LABELS) as RoomAccess[]).map((value) => (
                <option key={value} value={value}>
                  {ACCESS_LABELS[value]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {values.access === "MEMBERSHIP" ? (
          <Field
            label="Plan"
            name="requiredPlanId"
            error={errors.requiredPlanId}
            hint={settings.plans.length === 0 ? "You have no active membership plan yet: create one first." : undefined}
          >
            {(control) => (
              <Select {...control} value={values.requiredPlanId} onChange={(event) => set("requiredPlanId", event.target.value)}>
                <option value="">Choose a plan…</option>
                {settings.plans.map((plan) => (
                  <option key={plan.id} value={plan.id}>
                    {plan.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : null}
        {values.access === "PAID" ? (
          <Field
            label="Room-access item"
            name="accessItemId"
            error={errors.accessItemId}
            hint={settings.accessItems.length === 0 ? "You have no published room-access item yet: publish one first." : undefined}
          >
            {(control) => (
              <Select {...control} value={values.accessItemId} onChange={(event) => set("accessItemId", event.target.value)}>
                <option value="">Choose an item…</option>
                {settings.accessItems.map((item) => (
                  <option key={item.id} value={item.id}>
                    {item.title} ({formatCredits(item.price)} credits)
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : null}
      </div>
      <Button type="submit" loading={form.pending}>
        Save settings
      </Button>
    </form>
  );
}

/** The performer's room settings: show prices and meter terms within the site's bounds, meter control, who may enter. */
export function RoomSettingsCard() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.rooms.settings.queryOptions());

  function body() {
    if (settings.isError) return <QueryError what="your room settings" onRetry={() => void settings.refetch()} retrying={settings.isFetching} />;
    if (!settings.data) {
      return (
        <div className="space-y-3" role="status">
          <span className="sr-only">Loading your room settings…</span>
          <Skeleton className="h-10 w-full" />
          <Skeleton className="h-10 w-2/3" />
        </div>
      );
    }
    return <RoomSettingsForm settings={settings.data} />;
  }

  return (
    <Card aria-labelledby="room-settings-heading">
      <CardHeader
        id="room-settings-heading"
        title="Room settings"
        description="Prices and terms apply to shows that start after you save; shows in progress keep theirs."
      />
      <CardBody>{body()}</CardBody>
    </Card>
  );
}
