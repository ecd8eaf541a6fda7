"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { type Column, DataTable } from "@/components/kit/data-table";
import { FormDialog } from "@/components/kit/form-dialog";
import { textAs, wholeNumber } from "@/components/kit/form-schema";
import { useEditing } from "@/components/kit/use-editing";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import {
  PAYOUT_FIELD_FORMATS,
  PAYOUT_FIELD_FORMAT_LABELS,
  PAYOUT_METHODS,
  PAYOUT_METHOD_LABELS,
  type PayoutFieldFormat,
} from "@/server/domain/payouts";
import { payoutFieldSchema } from "@/server/domain/payout-settings";
import type { PayoutMethod } from "@/server/generated/prisma/enums";

interface PayoutField {
  id: string;
  key: string;
  label: string;
  format: PayoutFieldFormat;
  required: boolean;
  sensitive: boolean;
  methods: readonly PayoutMethod[];
  sortOrder: number;
  active: boolean;
}

const isFormat = (value: string): value is PayoutFieldFormat => PAYOUT_FIELD_FORMATS.some((format) => format === value);

/** The field editor read into the tRPC input: one checkbox per method, the order typed as text. */
function fieldFormSchema(id: string | undefined) {
  return z
    .object({
      label: z.string(),
      key: z.string(),
      format: z.enum(PAYOUT_FIELD_FORMATS),
      sortOrder: textAs((text) => {
        const order = wholeNumber(text, 4);
        return order !== null && order <= 1_000 ? order : null;
      }, "Enter a whole number from 0 to 1000."),
      required: z.boolean(),
      sensitive: z.boolean(),
      active: z.boolean(),
      PAYPAL: z.boolean(),
      BANK_TRANSFER: z.boolean(),
      STRIPE_CONNECT: z.boolean(),
    })
    .transform((values) => ({
      ...(id ? { id } : {}),
      key: values.key,
      label: values.label,
      format: values.format,
      required: values.required,
      sensitive: values.sensitive,
      active: values.active,
      sortOrder: values.sortOrder,
      methods: PAYOUT_METHODS.filter((method) => values[method]),
    }))
    .pipe(payoutFieldSchema);
}

function initialValues(field: PayoutField | null) {
  const methods = field?.methods ?? [];
  return {
    label: field?.label ?? "",
    key: field?.key ?? "",
    format: field?.format ?? "text",
    sortOrder: String(field?.sortOrder ?? 100),
    required: field?.required ?? true,
    sensitive: field?.sensitive ?? false,
    active: field?.active ?? true,
    PAYPAL: methods.includes("PAYPAL"),
    BANK_TRANSFER: methods.includes("BANK_TRANSFER"),
    STRIPE_CONNECT: methods.includes("STRIPE_CONNECT"),
  } satisfies Record<PayoutMethod, boolean> & Record<string, string | boolean>;
}

function FieldEditor({ field, onClose }: { field: PayoutField | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useMutation(trpc.payouts.settings.saveField.mutationOptions());
  const form = useZodForm({ schema: fieldFormSchema(field?.id), initial: initialValues(field) });
  const { values, errors, set } = form;

  const submit = form.onSubmit(async (input) => {
    const saved = await save.mutateAsync(input);
    void queryClient.invalidateQueries(trpc.payouts.pathFilter());
    toast.success(field ? "Field saved" : "Field added", `${saved.label}${saved.required && saved.active ? " is now required on matching profiles." : ""}`);
    onClose();
  });

  return (
    <FormDialog
      title={field ? `Edit ${field.label}` : "Add a payout field"}
      onClose={onClose}
      onSubmit={submit}
      pending={form.pending}
      formError={form.formError}
      submitLabel={field ? "Save field" : "Add field"}
    >
      <Field label="Label" name="label" error={errors.label}>
        {(control) => <Input {...control} value={values.label} onChange={(event) => set("label", event.target.value)} />}
      </Field>
      <Field label="Key" name="key" error={errors.key} hint={field ? "A key never changes: profiles store values by it." : "Lowercase letters, digits and underscores, e.g. tax_id."}>
        {(control) => <Input {...control} value={values.key} disabled={field !== null} onChange={(event) => set("key", event.target.value)} />}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Format" name="format" error={errors.format}>
          {(control) => (
            <Select {...control} value={values.format} onChange={(event) => isFormat(event.target.value) && set("format", event.target.value)}>
              {PAYOUT_FIELD_FORMATS.map((format) => (
                <option key={format} value={format}>
                  {PAYOUT_FIELD_FORMAT_LABELS[format]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Order" name="sortOrder" error={errors.sortOrder}>
          {(control) => <Input {...control} inputMode="numeric" value={values.sortOrder} onChange={(event) => set("sortOrder", event.target.value)} />}
        </Field>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Asked for</legend>
        <p className="text-xs text-muted">No method ticked: every method.</p>
        <div className="flex flex-wrap gap-4">
          {PAYOUT_METHODS.map((method) => (
            <label key={method} className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={values[method]} onChange={(event) => set(method, event.target.checked)} />
              {PAYOUT_METHOD_LABELS[method]}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={values.required} onChange={(event) => set("required", event.target.checked)} />
          Required
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={values.sensitive} onChange={(event) => set("sensitive", event.target.checked)} />
          Sensitive (masked in lists)
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={values.active} onChange={(event) => set("active", event.target.checked)} />
          In use
        </label>
      </div>
    </FormDialog>
  );
}

const columns = (onEdit: (field: PayoutField) => void): Column<PayoutField>[] => [
  {
    key: "field",
    header: "Field",
    sortValue: (field) => field.label,
    cell: (field) => (
      <>
        <p className="font-medium">{field.label}</p>
        <p className="font-mono text-xs text-muted">{field.key}</p>
      </>
    ),
  },
  { key: "format", header: "Format", sortValue: (field) => PAYOUT_FIELD_FORMAT_LABELS[field.format], cell: (field) => PAYOUT_FIELD_FORMAT_LABELS[field.format] },
  {
    key: "methods",
    header: "Methods",
    cell: (field) => (field.methods.length === 0 ? "All" : field.methods.map((method) => PAYOUT_METHOD_LABELS[method]).join(", ")),
  },
  {
    key: "rules",
    header: "Rules",
    className: "space-x-1",
    cell: (field) => (
      <>
        {field.required ? <Badge tone="info">Required</Badge> : <Badge>Optional</Badge>}
        {field.sensitive ? <Badge tone="warning">Sensitive</Badge> : null}
        {field.active ? null : <Badge>Off</Badge>}
      </>
    ),
  },
  {
    key: "actions",
    header: "Actions",
    hiddenHeader: true,
    align: "right",
    cell: (field) => (
      <Button size="sm" variant="secondary" onClick={() => onEdit(field)} aria-label={`Edit ${field.label}`}>
        Edit
      </Button>
    ),
  },
];

/** The fields performers fill in their payout profile, per method; switched off rather than deleted. */
export function PayoutFields({ fields }: { fields: PayoutField[] }) {
  const { editing, open, close } = useEditing<PayoutField>();
  return (
    <div className="space-y-4">
      <DataTable
        bare
        rows={fields}
        columns={columns(open)}
        rowKey={(field) => field.id}
        rowClassName={(field) => (field.active ? undefined : "opacity-60")}
        caption="Payout profile fields"
        what="payout fields"
        empty={{ title: "No payout fields yet", description: "Add what performers must fill in to be paid." }}
        filterText={(field) => `${field.label} ${field.key}`}
      />
      <Button variant="secondary" onClick={() => open(null)}>
        Add field
      </Button>
      {editing ? <FieldEditor key={editing.opening} field={editing.record} onClose={close} /> : null}
    </div>
  );
}
