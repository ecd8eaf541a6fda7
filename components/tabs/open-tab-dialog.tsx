"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { type ComponentProps, useState } from "react";
import { FormDialog } from "@/components/kit/form-dialog";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { type OpenTabBounds, limitPresets, limitText, openTabFormSchema } from "@/components/tabs/open-tab-input";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { formatMinor } from "@/server/domain/money";

type ButtonProps = ComponentProps<typeof Button>;

function OpenTabForm({ performerId, stageName, bounds, onClose }: { performerId: string; stageName: string; bounds: OpenTabBounds; onClose: () => void }) {
  const trpc = useTRPC();
  const open = useMutation(trpc.tabs.open.mutationOptions());
  const pathname = usePathname();
  const presets = limitPresets(bounds);
  const form = useZodForm({ schema: openTabFormSchema(bounds), initial: { limit: presets[0] === undefined ? "" : limitText(presets[0], bounds.currency) } });
  const { values, errors, set } = form;

  const submit = form.onSubmit(async ({ limit }) => {
    const opening = await open.mutateAsync({ performerId, limit, returnTo: pathname });
    // The card is authorised on the processor's page; it sends the member back to the tab page.
    window.location.assign(opening.checkoutUrl);
  });

  return (
    <FormDialog title={`Open a card tab with ${stageName}`} onClose={onClose} onSubmit={submit} pending={form.pending} formError={form.formError} submitLabel="Continue to card">
      <p className="text-sm text-muted">
        Your card is authorised up to the limit, not charged. Tips, shows and requests in {stageName}&apos;s room are paid from the tab, and
        your card is charged once for what you spent when the tab closes.
      </p>
      {presets.length > 0 ? (
        <div className="flex flex-wrap gap-2" role="group" aria-label="Suggested limits">
          {presets.map((preset) => {
            const text = limitText(preset, bounds.currency);
            return (
              <Button key={text} size="sm" variant={values.limit === text ? "primary" : "secondary"} onClick={() => set("limit", text)} aria-pressed={values.limit === text}>
                {formatMinor(preset, bounds.currency)}
              </Button>
            );
          })}
        </div>
      ) : null}
      <Field
        label={`Limit (${bounds.currency.toUpperCase()})`}
        name="limit"
        error={errors.limit}
        hint={`From ${formatMinor(bounds.minLimitMinor, bounds.currency)} to ${formatMinor(bounds.maxLimitMinor, bounds.currency)}; one credit is ${formatMinor(bounds.creditPriceMinor, bounds.currency)}.`}
      >
        {(control) => <Input {...control} inputMode="decimal" autoComplete="off" value={values.limit} onChange={(event) => set("limit", event.target.value)} />}
      </Field>
    </FormDialog>
  );
}

/**
 * "Open a card tab": the button and its dialog. The limit is checked against the admin's bounds (tabs.terms) on
 * the field, then tabs.open gives the pay page to go to; leaving it brings the member back to this page.
 */
export function OpenTabButton({
  performerId,
  stageName,
  label = "Open a card tab",
  variant = "secondary",
  size,
}: {
  performerId: string;
  stageName: string;
  label?: string;
  variant?: ButtonProps["variant"];
  size?: ButtonProps["size"];
}) {
  const trpc = useTRPC();
  const [opening, setOpening] = useState(false);
  const terms = useQuery(trpc.tabs.terms.queryOptions(undefined, { enabled: opening }));
  return (
    <>
      <Button variant={variant} size={size} onClick={() => setOpening(true)} loading={opening && terms.isPending}>
        {label}
      </Button>
      {opening && terms.data ? <OpenTabForm performerId={performerId} stageName={stageName} bounds={terms.data} onClose={() => setOpening(false)} /> : null}
    </>
  );
}
