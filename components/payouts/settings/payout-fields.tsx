"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useEditing } from "@/components/kit/use-editing";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import {
  PAYOUT_FIELD_FORMATS,
  PAYOUT_FIELD_FORMAT_LABELS,
  PAYOUT_METHODS,
  PAYOUT_METHOD_LABELS,
  type PayoutFieldFormat,
} from "@/server/domain/payouts";
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

const NEW_FIELD: Omit<PayoutField, "id"> = {
  key: "",
  label: "",
  format: "text",
  required: true,
  sensitive: false,
  methods: [],
  sortOrder: 100,
  active: true,
};

function FieldEditor({ field, onClose }: { field: PayoutField | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useMutation(trpc.payouts.settings.saveField.mutationOptions());
  const [draft, setDraft] = useState<Omit<PayoutField, "id">>(field ?? NEW_FIELD);
  const [order, setOrder] = useState(String(draft.sortOrder));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const sortOrder = Number(order);
    if (!Number.isInteger(sortOrder) || sortOrder < 0 || sortOrder > 1_000) return setFieldErrors({ sortOrder: ["Enter a whole number from 0 to 1000."] });
    save.mutate(
      { ...draft, methods: [...draft.methods], sortOrder, id: field?.id },
      {
        onSuccess: (saved) => {
          void queryClient.invalidateQueries(trpc.payouts.pathFilter());
          toast.success(field ? "Field saved" : "Field added", `${saved.label}${saved.required && saved.active ? " is now required on matching profiles." : ""}`);
          onClose();
        },
        onError: (failure) => {
          const described = describeTrpcError(failure);
          setFieldErrors(described.fieldErrors);
          setError(described.message);
        },
      },
    );
  }

  function toggleMethod(method: PayoutMethod) {
    setDraft((current) => ({
      ...current,
      methods: current.methods.includes(method) ? current.methods.filter((candidate) => candidate !== method) : [...current.methods, method],
    }));
  }

  return (
    <form onSubmit={submit} noValidate>
      <div className="space-y-4 px-6 pt-4">
        {error ? <FormAlert>{error}</FormAlert> : null}
        <Field label="Label" name="label" error={fieldErrors.label}>
          {(control) => <Input {...control} value={draft.label} onChange={(event) => setDraft({ ...draft, label: event.target.value })} />}
        </Field>
        <Field label="Key" name="key" error={fieldErrors.key} hint={field ? "A key never changes: profiles store values by it." : "Lowercase letters, digits and underscores, e.g. tax_id."}>
          {(control) => <Input {...control} value={draft.key} disabled={field !== null} onChange={(event) => setDraft({ ...draft, key: event.target.value })} />}
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Format" name="format">
            {(control) => (
              <Select {...control} value={draft.format} onChange={(event) => setDraft({ ...draft, format: event.target.value as PayoutFieldFormat })}>
                {PAYOUT_FIELD_FORMATS.map((format) => (
                  <option key={format} value={format}>
                    {PAYOUT_FIELD_FORMAT_LABELS[format]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Order" name="sortOrder" error={fieldErrors.sortOrder}>
            {(control) => <Input {...control} inputMode="numeric" value={order} onChange={(event) => setOrder(event.target.value)} />}
          </Field>
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Asked for</legend>
          <p className="text-xs text-muted">No method ticked: every method.</p>
          <div className="flex flex-wrap gap-4">
            {PAYOUT_METHODS.map((method) => (
              <label key={method} className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={draft.methods.includes(method)} onChange={() => toggleMethod(method)} />
                {PAYOUT_METHOD_LABELS[method]}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={draft.required} onChange={(event) => setDraft({ ...draft, required: event.target.checked })} />
            Required
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={draft.sensitive} onChange={(event) => setDraft({ ...draft, sensitive: event.target.checked })} />
            Sensitive (masked in lists)
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={draft.active} onChange={(event) => setDraft({ ...draft, active: event.target.checked })} />
            In use
          </label>
        </div>
      </div>
      <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onClose} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending}>
          {field ? "Save field" : "Add field"}
        </Button>
      </div>
    </form>
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
      <Dialog open={editing !== null} onClose={close} title={editing?.record ? `Edit ${editing.record.label}` : "Add a payout field"}>
        {editing ? <FieldEditor key={editing.opening} field={editing.record} onClose={close} /> : null}
      </Dialog>
    </div>
  );
}
