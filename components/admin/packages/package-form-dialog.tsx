"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { type FormEvent, useState } from "react";
import { formatMajorUnits, parseMajorUnits } from "@/components/admin/packages/package-price";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import type { AppRouter } from "@/server/api/root";
import { parseCredits } from "@/server/domain/money";
import type { PackageCurrency } from "@/server/services/packages";

export type CreditPackage = inferRouterOutputs<AppRouter>["ledger"]["packages"][number];

const CURRENCY_LABELS: Record<PackageCurrency, string> = { usd: "USD ($)", eur: "EUR (€)", gbp: "GBP (£)" };
const CURRENCIES = Object.keys(CURRENCY_LABELS) as PackageCurrency[];

interface Draft {
  name: string;
  credits: string;
  bonusCredits: string;
  price: string;
  currency: PackageCurrency;
  active: boolean;
  sortOrder: string;
}

const FIELD_NAMES = ["name", "credits", "bonusCredits", "price", "currency", "sortOrder"] as const;
type FieldName = (typeof FIELD_NAMES)[number];
type Errors = Partial<Record<FieldName, string>>;

function isFieldName(value: string): value is FieldName {
  return FIELD_NAMES.some((name) => name === value);
}

function isCurrency(value: string): value is PackageCurrency {
  return CURRENCIES.some((currency) => currency === value);
}

function draftOf(pack: CreditPackage | null): Draft {
  if (!pack) return { name: "", credits: "", bonusCredits: "0", price: "", currency: "usd", active: true, sortOrder: "0" };
  return {
    name: pack.name,
    credits: pack.credits.toString(),
    bonusCredits: pack.bonusCredits.toString(),
    price: formatMajorUnits(pack.priceMinor, pack.currency),
    currency: isCurrency(pack.currency) ? pack.currency : "usd",
    active: pack.active,
    sortOrder: String(pack.sortOrder),
  };
}

/** What the form can check before asking the server; the server's own rules (ranges, bonus cap) come back as messages. */
function parseDraft(draft: Draft) {
  const errors: Errors = {};
  const credits = parseCredits(draft.credits);
  const bonusCredits = draft.bonusCredits.trim() === "0" ? 0n : parseCredits(draft.bonusCredits);
  const priceMinor = parseMajorUnits(draft.price, draft.currency);
  const sortOrder = /^\d{1,4}$/.test(draft.sortOrder.trim()) ? Number(draft.sortOrder.trim()) : null;
  if (draft.name.trim().length < 2) errors.name = "Give the package a name of at least 2 characters.";
  if (credits === null) errors.credits = "Enter a whole number of credits, like 500.";
  if (bonusCredits === null) errors.bonusCredits = "Enter a whole number of bonus credits, or 0.";
  if (priceMinor === null) errors.price = "Enter a price like 9.99, with at most two decimals.";
  if (sortOrder === null) errors.sortOrder = "Enter a whole number from 0 to 1000.";
  if (credits === null || bonusCredits === null || priceMinor === null || sortOrder === null || errors.name) return { errors };
  return {
    input: { name: draft.name.trim(), credits, bonusCredits, priceMinor, currency: draft.currency, active: draft.active, sortOrder },
  };
}

/** Server field errors arrive under the API's names; the price field stands for priceMinor. */
function serverFieldErrors(fieldErrors: Record<string, string[]>): Errors {
  const byField: Errors = {};
  for (const [key, messages] of Object.entries(fieldErrors)) {
    const field = key === "priceMinor" ? "price" : key;
    if (isFieldName(field) && messages[0]) byField[field] = messages[0];
  }
  return byField;
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
  const [draft, setDraft] = useState<Draft>(() => draftOf(pack));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation(trpc.ledger.createPackage.mutationOptions());
  const update = useMutation(trpc.ledger.updatePackage.mutationOptions());
  const pending = create.isPending || update.isPending;

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
    try {
      if (pack) await update.mutateAsync({ id: pack.id, ...parsed.input });
      else await create.mutateAsync(parsed.input);
    } catch (error) {
      const { message, fieldErrors } = describeTrpcError(error);
      const byField = serverFieldErrors(fieldErrors);
      setErrors(byField);
      setFormError(Object.keys(byField).length > 0 ? null : message);
      return;
    }
    await Promise.all([
      queryClient.invalidateQueries(trpc.ledger.packages.pathFilter()),
      queryClient.invalidateQueries(trpc.wallet.packages.pathFilter()),
    ]);
    toast.success(pack ? "Package saved" : "Package created", `${parsed.input.name} is ${parsed.input.active ? "on sale" : "hidden from members"}.`);
    onClose();
  }

  return (
    <Dialog open onClose={onClose} busy={pending} title={pack ? `Edit ${pack.name}` : "New credit package"}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="space-y-4 px-6 pt-4">
          {formError ? <FormAlert>{formError}</FormAlert> : null}
          <Field label="Name" name="name" error={errors.name}>
            {(control) => <Input {...control} value={draft.name} maxLength={60} onChange={(event) => change({ name: event.target.value })} />}
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Credits" name="credits" error={errors.credits}>
              {(control) => <Input {...control} inputMode="numeric" value={draft.credits} onChange={(event) => change({ credits: event.target.value })} />}
            </Field>
            <Field label="Bonus credits" name="bonusCredits" error={errors.bonusCredits}>
              {(control) => (
                <Input {...control} inputMode="numeric" value={draft.bonusCredits} onChange={(event) => change({ bonusCredits: event.target.value })} />
              )}
            </Field>
          </div>
          <div className="grid grid-cols-[minmax(0,1fr)_8rem] gap-3">
            <Field label="Price" name="price" error={errors.price} hint="In major units, e.g. 9.99.">
              {(control) => <Input {...control} inputMode="decimal" value={draft.price} onChange={(event) => change({ price: event.target.value })} />}
            </Field>
            <Field label="Currency" name="currency" error={errors.currency}>
              {(control) => (
                <Select
                  {...control}
                  value={draft.currency}
                  onChange={(event) => change({ currency: isCurrency(event.target.value) ? event.target.value : draft.currency })}
                >
                  {CURRENCIES.map((currency) => (
                    <option key={currency} value={currency}>
                      {CURRENCY_LABELS[currency]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          </div>
          <Field label="Sort order" name="sortOrder" error={errors.sortOrder} hint="Lower numbers come first in the shop.">
            {(control) => <Input {...control} inputMode="numeric" value={draft.sortOrder} onChange={(event) => change({ sortOrder: event.target.value })} />}
          </Field>
          <label className="flex items-start gap-3 text-sm">
            <input
              type="checkbox"
              checked={draft.active}
              onChange={(event) => change({ active: event.target.checked })}
              className="mt-0.5 size-4 accent-accent-600"
            />
            <span>
              <span className="font-medium">On sale</span>
              <span className="block text-muted">Members see it on the Buy credits page.</span>
            </span>
          </label>
        </div>
        <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {pack ? "Save package" : "Create package"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
