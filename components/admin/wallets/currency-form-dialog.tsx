"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { FormDialog } from "@/components/kit/form-dialog";
import { textAs, wholeNumber } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { createCurrencySchema } from "@/server/domain/wallet-admin";

const currencyFormSchema = z
  .object({
    code: z.string().transform((code) => code.trim().toUpperCase()),
    name: z.string(),
    kind: z.string(),
    exponent: textAs((text) => wholeNumber(text, 1), "Decimals are 0 to 4."),
  })
  .pipe(createCurrencySchema);

/** Add a currency: points or a fiat currency with its minor-unit exponent. Its system accounts open with it. */
export function CurrencyFormDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const create = useMutation(trpc.adminWallets.createCurrency.mutationOptions());
  const form = useZodForm({ schema: currencyFormSchema, initial: { code: "", name: "", kind: "FIAT", exponent: "2" } });
  const { values, errors, set } = form;

  const save = form.onSubmit(async (input) => {
    await create.mutateAsync(input);
    await queryClient.invalidateQueries(trpc.adminWallets.pathFilter());
    toast.success("Currency added", `${input.code} · ${input.name}`);
    onClose();
  });

  return (
    <FormDialog title="New currency" onClose={onClose} onSubmit={save} pending={form.pending} formError={form.formError} submitLabel="Add currency">
      <div className="grid grid-cols-2 gap-3">
        <Field label="Code" name="code" error={errors.code} hint="3 to 8 capital letters, like GBP.">
          {(control) => <Input {...control} value={values.code} maxLength={8} autoComplete="off" onChange={(event) => set("code", event.target.value)} />}
        </Field>
        <Field label="Decimals" name="exponent" error={errors.exponent} hint="Minor-unit exponent, 0 to 4.">
          {(control) => <Input {...control} inputMode="numeric" value={values.exponent} onChange={(event) => set("exponent", event.target.value)} />}
        </Field>
      </div>
      <Field label="Name" name="name" error={errors.name}>
        {(control) => <Input {...control} value={values.name} maxLength={40} onChange={(event) => set("name", event.target.value)} />}
      </Field>
      <Field label="Kind" name="kind" error={errors.kind}>
        {(control) => (
          <Select {...control} value={values.kind} onChange={(event) => set("kind", event.target.value)}>
            <option value="FIAT">Fiat money</option>
            <option value="POINTS">Points</option>
          </Select>
        )}
      </Field>
    </FormDialog>
  );
}
