"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { CheckboxField, FormDialog } from "@/components/kit/form-dialog";
import { textAs, wholeBigint, wholeNumber } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Field } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import type { AppRouter } from "@/server/api/root";
import { MAX_ITEM_DESCRIPTION, MAX_ITEM_TITLE, storeItemFieldsSchema } from "@/server/domain/store";

export type ManagedItem = inferRouterOutputs<AppRouter>["store"]["myItems"][number];

/** Whose store is managed: the signed-in performer's own, or the site's (admins). */
export type StoreScope = "performer" | "site";

/** The item form read into the tRPC input: the server's schema, with price and stock typed as text (empty stock: unlimited). */
const itemFormSchema = storeItemFieldsSchema.extend({
  price: textAs(wholeBigint, "Enter the price in whole credits, like 150.").pipe(storeItemFieldsSchema.shape.price),
  stock: textAs((text) => (text.trim() === "" ? "unlimited" : wholeNumber(text)), "Enter a whole number, or leave it empty for unlimited.")
    .transform((stock) => (stock === "unlimited" ? null : stock))
    .pipe(storeItemFieldsSchema.shape.stock),
});

function valuesOf(item: ManagedItem | null) {
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

/** Create or edit a store item. Mount it per opening (a key), so the form starts from the item each time. */
export function ItemFormDialog({ scope, item, onClose }: { scope: StoreScope; item: ManagedItem | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useZodForm({ schema: itemFormSchema, initial: valuesOf(item) });
  const saveMine = useMutation(trpc.store.saveMyItem.mutationOptions());
  const saveSite = useMutation(trpc.store.saveSiteItem.mutationOptions());
  const { values, errors, set } = form;

  const save = form.onSubmit(async (fields) => {
    const input = { ...fields, id: item?.id };
    const saved = scope === "site" ? await saveSite.mutateAsync(input) : await saveMine.mutateAsync(input);
    await queryClient.invalidateQueries(trpc.store.pathFilter());
    const needsFile = saved.kind === "DIGITAL" && !saved.fileName;
    toast.success(item ? "Item saved" : "Item created", needsFile ? "Upload its file to put it on sale." : `${saved.title} is ${saved.active ? "on sale" : "hidden"}.`);
    onClose();
  });

  return (
    <FormDialog
      title={item ? `Edit ${item.title}` : "New store item"}
      onClose={onClose}
      onSubmit={save}
      pending={form.pending}
      formError={form.formError}
      submitLabel={item ? "Save item" : "Create item"}
    >
      <Field label="Kind" name="kind" error={errors.kind} hint={item ? "The kind of an item can't change." : "A digital item is a file the buyer downloads."}>
        {(control) => (
          <Select {...control} disabled={item !== null} value={values.kind} onChange={(event) => set("kind", event.target.value === "DIGITAL" ? "DIGITAL" : "PHYSICAL")}>
            <option value="PHYSICAL">Physical (shipped)</option>
            <option value="DIGITAL">Digital (download)</option>
          </Select>
        )}
      </Field>
      <Field label="Title" name="title" error={errors.title}>
        {(control) => <Input {...control} maxLength={MAX_ITEM_TITLE} value={values.title} onChange={(event) => set("title", event.target.value)} />}
      </Field>
      <Field label="Description" name="description" error={errors.description} labelSuffix="optional">
        {(control) => (
          <Textarea {...control} rows={3} maxLength={MAX_ITEM_DESCRIPTION} value={values.description} onChange={(event) => set("description", event.target.value)} />
        )}
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Price (credits)" name="price" error={errors.price}>
          {(control) => <Input {...control} inputMode="numeric" value={values.price} onChange={(event) => set("price", event.target.value)} />}
        </Field>
        <Field label="Stock" name="stock" error={errors.stock} hint="Empty: unlimited.">
          {(control) => <Input {...control} inputMode="numeric" value={values.stock} onChange={(event) => set("stock", event.target.value)} />}
        </Field>
      </div>
      <CheckboxField
        label="On sale"
        description="Shown in the store (a digital item once its file is uploaded)."
        checked={values.active}
        onChange={(checked) => set("active", checked)}
      />
    </FormDialog>
  );
}
