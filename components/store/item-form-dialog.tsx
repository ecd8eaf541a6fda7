"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import type { AppRouter } from "@/server/api/root";
import { MAX_ITEM_DESCRIPTION, MAX_ITEM_TITLE, storeItemFieldsSchema } from "@/server/domain/store";
import type { StoreItemKind } from "@/server/generated/prisma/enums";

export type ManagedItem = inferRouterOutputs<AppRouter>["store"]["myItems"][number];

/** Whose store is managed: the signed-in performer's own, or the site's (admins). */
export type StoreScope = "performer" | "site";

interface Draft {
  kind: StoreItemKind;
  title: string;
  description: string;
  price: string;
  stock: string;
  active: boolean;
}

const FIELDS = ["kind", "title", "description", "price", "stock"] as const;
type FieldName = (typeof FIELDS)[number];
type Errors = Partial<Record<FieldName, string>>;

function draftOf(item: ManagedItem | null): Draft {
  if (!item) return { kind: "PHYSICAL", title: "", description: "", price: "", stock: "", active: true };
  return {
    kind: item.kind,
    title: item.title,
    description: item.description,
    price: item.price.toString(),
    stock: item.stock === null ? "" : String(item.stock),
    active: item.active,
  };
}

function errorsFrom(fieldErrors: Record<string, string[]>): Errors {
  const errors: Errors = {};
  for (const [key, messages] of Object.entries(fieldErrors)) {
    if (FIELDS.some((field) => field === key) && messages[0]) errors[key as FieldName] = messages[0];
  }
  return errors;
}

/** Reads the form with the same rules the server applies; the server's answer still has the last word. */
function parseDraft(draft: Draft) {
  const price = /^\d{1,15}$/.test(draft.price.trim().replace(/,/g, "")) ? BigInt(draft.price.trim().replace(/,/g, "")) : null;
  const stock = draft.stock.trim() === "" ? null : /^\d{1,9}$/.test(draft.stock.trim()) ? Number(draft.stock.trim()) : Number.NaN;
  if (price === null) return { errors: { price: "Enter the price in whole credits, like 150." } };
  if (Number.isNaN(stock)) return { errors: { stock: "Enter a whole number, or leave it empty for unlimited." } };
  const parsed = storeItemFieldsSchema.safeParse({ ...draft, price, stock });
  if (!parsed.success) return { errors: errorsFrom(Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), [issue.message]]))) };
  return { input: parsed.data };
}

/** Create or edit a store item. Mount it per opening (a key), so the form starts from the item each time. */
export function ItemFormDialog({ scope, item, onClose }: { scope: StoreScope; item: ManagedItem | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState<Draft>(() => draftOf(item));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const saveMine = useMutation(trpc.store.saveMyItem.mutationOptions());
  const saveSite = useMutation(trpc.store.saveSiteItem.mutationOptions());
  const pending = saveMine.isPending || saveSite.isPending;

  function change(changes: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...changes }));
    setErrors({});
    setFormError(null);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseDraft(draft);
    if (!parsed.input) {
      setErrors(parsed.errors);
      return;
    }
    const input = { ...parsed.input, id: item?.id };
    let saved: ManagedItem;
    try {
      saved = scope === "site" ? await saveSite.mutateAsync(input) : await saveMine.mutateAsync(input);
    } catch (error) {
      const { message, fieldErrors } = describeTrpcError(error);
      const byField = errorsFrom(fieldErrors);
      setErrors(byField);
      setFormError(Object.keys(byField).length > 0 ? null : message);
      return;
    }
    await queryClient.invalidateQueries(trpc.store.pathFilter());
    const needsFile = saved.kind === "DIGITAL" && !saved.fileName;
    toast.success(item ? "Item saved" : "Item created", needsFile ? "Upload its file to put it on sale." : `${saved.title} is ${saved.active ? "on sale" : "hidden"}.`);
    onClose();
  }

  return (
    <Dialog open onClose={onClose} busy={pending} title={item ? `Edit ${item.title}` : "New store item"}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="space-y-4 px-6 pt-4">
          {formError ? <FormAlert>{formError}</FormAlert> : null}
          <Field label="Kind" name="kind" error={errors.kind} hint={item ? "The kind of an item can't change." : "A digital item is a file the buyer downloads."}>
            {(control) => (
              <Select
                {...control}
                disabled={item !== null}
                value={draft.kind}
                onChange={(event) => change({ kind: event.target.value === "DIGITAL" ? "DIGITAL" : "PHYSICAL" })}
              >
                <option value="PHYSICAL">Physical (shipped)</option>
                <option value="DIGITAL">Digital (download)</option>
              </Select>
            )}
          </Field>
          <Field label="Title" name="title" error={errors.title}>
            {(control) => <Input {...control} maxLength={MAX_ITEM_TITLE} value={draft.title} onChange={(event) => change({ title: event.target.value })} />}
          </Field>
          <Field label="Description" name="description" error={errors.description} labelSuffix="optional">
            {(control) => (
              <Textarea {...control} rows={3} maxLength={MAX_ITEM_DESCRIPTION} value={draft.description} onChange={(event) => change({ description: event.target.value })} />
            )}
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Price (credits)" name="price" error={errors.price}>
              {(control) => <Input {...control} inputMode="numeric" value={draft.price} onChange={(event) => change({ price: event.target.value })} />}
            </Field>
            <Field label="Stock" name="stock" error={errors.stock} hint="Empty: unlimited.">
              {(control) => <Input {...control} inputMode="numeric" value={draft.stock} onChange={(event) => change({ stock: event.target.value })} />}
            </Field>
          </div>
          <label className="flex items-start gap-3 text-sm">
            <input type="checkbox" checked={draft.active} onChange={(event) => change({ active: event.target.checked })} className="mt-0.5 size-4 accent-accent-600" />
            <span>
              <span className="font-medium">On sale</span>
              <span className="block text-muted">Shown in the store (a digital item once its file is uploaded).</span>
            </span>
          </label>
        </div>
        <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {item ? "Save item" : "Create item"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
