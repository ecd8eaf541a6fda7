"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { z } from "zod";
import { formatMajorUnits, parseMajorUnits } from "@/components/admin/packages/package-price";
import { CheckboxField, FormDialog } from "@/components/kit/form-dialog";
import { textAs, wholeBigint, wholeNumber } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import type { AppRouter } from "@/server/api/root";
import { isPackageCurrency, PACKAGE_CURRENCIES, type PackageCurrency, packageInputSchema } from "@/server/domain/packages";
import { parseCredits } from "@/server/domain/money";

export type CreditPackage = inferRouterOutputs<AppRouter>["ledger"]["packages"][number];

const CURRENCY_LABELS: Record<PackageCurrency, string> = { usd: "USD ($)", eur: "EUR (€)" };

/** The package form read into the tRPC input: text fields parsed, the price in major units of its currency. */
const packageFormSchema = z
  .object({
    name: z.string().trim().min(2, "Give the package a name of at least 2 characters."),
    credits: textAs(parseCredits, "Enter a whole number of credits, like 500."),
    bonusCredits: textAs(wholeBigint, "Enter a whole number of bonus credits, or 0."),
    price: z.string(),
    // Checked by the tRPC input schema it pipes into, so an old package's unsupported currency is named there.
    currency: z.string(),
    active: z.boolean(),
    sortOrder: textAs((text) => wholeNumber(text, 4), "Enter a whole number from 0 to 1000."),
  })
  .transform(({ price, ...fields }, ctx) => {
    const priceMinor = parseMajorUnits(price, fields.currency);
    if (priceMinor === null) {
      ctx.addIssue({ code: "custom", path: ["price"], message: "Enter a price like 9.99, with at most two decimals." });
      return z.NEVER;
    }
    return { ...fields, priceMinor };
  })
  .pipe(packageInputSchema);

function valuesOf(pack: CreditPackage | null) {
  if (!pack) return { name: "", credits: "", bonusCredits: "0", price: "", currency: "usd", active: true, sortOrder: "0" };
  return {
    name: pack.name,
    credits: pack.credits.toString(),
    bonusCredits: pack.bonusCredits.toString(),
    price: formatMajorUnits(pack.priceMinor, pack.currency),
    // Kept as it is, even when no longer supported: the form says so rather than quietly repricing the package.
    currency: pack.currency,
    active: pack.active,
    sortOrder: String(pack.sortOrder),
  };
}

interface PackageFormDialogProps {
  /** The package to edit, or null to create one. */
  pack: CreditPackage | null;
  onClose: () => void;
}

/** Create or edit a credit package. Mount it per opening (a key), so the form starts from the package each time. */
export function PackageFormDialog({ pack, onClose }: PackageFormDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useZodForm({ schema: packageFormSchema, initial: valuesOf(pack), aliases: { priceMinor: "price" } });
  const create = useMutation(trpc.ledger.createPackage.mutationOptions());
  const update = useMutation(trpc.ledger.updatePackage.mutationOptions());
  const { values, errors, set } = form;

  const save = form.onSubmit(async (input) => {
    if (pack) await update.mutateAsync({ id: pack.id, ...input });
    else await create.mutateAsync(input);
    await Promise.all([
      queryClient.invalidateQueries(trpc.ledger.packages.pathFilter()),
      queryClient.invalidateQueries(trpc.wallet.packages.pathFilter()),
    ]);
    toast.success(pack ? "Package saved" : "Package created", `${input.name} is ${input.active ? "on sale" : "hidden from members"}.`);
    onClose();
  });

  return (
    <FormDialog
      title={pack ? `Edit ${pack.name}` : "New credit package"}
      onClose={onClose}
      onSubmit={save}
      pending={form.pending}
      formError={form.formError}
      submitLabel={pack ? "Save package" : "Create package"}
    >
      <Field label="Name" name="name" error={errors.name}>
        {(control) => <Input {...control} value={values.name} maxLength={60} onChange={(event) => set("name", event.target.value)} />}
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Credits" name="credits" error={errors.credits}>
          {(control) => <Input {...control} inputMode="numeric" value={values.credits} onChange={(event) => set("credits", event.target.value)} />}
        </Field>
        <Field label="Bonus credits" name="bonusCredits" error={errors.bonusCredits}>
          {(control) => <Input {...control} inputMode="numeric" value={values.bonusCredits} onChange={(event) => set("bonusCredits", event.target.value)} />}
        </Field>
      </div>
      <div className="grid grid-cols-[minmax(0,1fr)_8rem] gap-3">
        <Field label="Price" name="price" error={errors.price} hint="In major units of the currency, e.g. 9.99.">
          {(control) => <Input {...control} inputMode="decimal" value={values.price} onChange={(event) => set("price", event.target.value)} />}
        </Field>
        <Field label="Currency" name="currency" error={errors.currency}>
          {(control) => (
            <Select {...control} value={values.currency} onChange={(event) => set("currency", event.target.value)}>
              {PACKAGE_CURRENCIES.map((currency) => (
                <option key={currency} value={currency}>
                  {CURRENCY_LABELS[currency]}
                </option>
              ))}
              {isPackageCurrency(values.currency) ? null : (
                <option value={values.currency} disabled>
                  {values.currency.toUpperCase()} (not sold)
                </option>
              )}
            </Select>
          )}
        </Field>
      </div>
      <Field label="Sort order" name="sortOrder" error={errors.sortOrder} hint="Lower numbers come first in the shop.">
        {(control) => <Input {...control} inputMode="numeric" value={values.sortOrder} onChange={(event) => set("sortOrder", event.target.value)} />}
      </Field>
      <CheckboxField label="On sale" description="Members see it on the Buy credits page." checked={values.active} onChange={(checked) => set("active", checked)} />
    </FormDialog>
  );
}
