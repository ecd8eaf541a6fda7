"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { z } from "zod";
import { CheckboxField, FormDialog } from "@/components/kit/form-dialog";
import { textAs, wholeNumber } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Field } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import type { AppRouter } from "@/server/api/root";
import { CREDITS } from "@/server/domain/ledger";
import { formatUnits, parseUnits } from "@/server/domain/money";
import { ONLY_CREDITS_PAY, createWalletTypeSchema, updateWalletTypeSchema } from "@/server/domain/wallet-admin";
import { PURPOSE_WORDS, WALLET_PURPOSES } from "@/server/domain/wallets";
import type { WalletPurpose } from "@/server/generated/prisma/enums";

type Outputs = inferRouterOutputs<AppRouter>["adminWallets"];
export type AdminWalletType = Outputs["types"][number];
export type AdminCurrency = Outputs["currencies"][number];

const purposeField = (purpose: WalletPurpose) => `pays_${purpose}` as const;
type PurposeFields = Record<ReturnType<typeof purposeField>, boolean>;

/** A share typed in percent with up to 2 decimals ("50", "12.5"), as basis points. */
const percentAsBps = (text: string) => {
  const bps = parseUnits(text.replace(/%$/, ""), 2);
  return bps === null ? null : Number(bps);
};

/** The form's text and checkboxes read into the rules the server takes. */
const rulesFields = {
  name: z.string(),
  description: z.string(),
  transferable: z.boolean(),
  withdrawable: z.boolean(),
  storeShare: textAs(percentAsBps, "Enter a share from 0 to 100, like 50."),
  exchangeIn: z.boolean(),
  exchangeOut: z.boolean(),
  position: textAs((text) => wholeNumber(text, 4), "Enter a position from 0 to 1000."),
  ...Object.fromEntries(WALLET_PURPOSES.map((purpose) => [purposeField(purpose), z.boolean()])),
} as Record<string, z.ZodType>;

function readRules(fields: Record<string, unknown>) {
  const { storeShare, ...rest } = fields;
  const rules = Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith("pays_")));
  return { ...rules, storeShareCapBps: storeShare, paysFor: WALLET_PURPOSES.filter((purpose) => fields[purposeField(purpose)] === true) };
}

const createFormSchema = z
  .object({ ...rulesFields, id: z.string(), currency: z.string(), active: z.boolean() })
  .transform(readRules)
  .pipe(createWalletTypeSchema);

const updateFormSchema = z
  .object({ ...rulesFields, id: z.string() })
  .transform(readRules)
  .pipe(updateWalletTypeSchema);

function valuesOf(type: AdminWalletType | null) {
  const purposes = Object.fromEntries(WALLET_PURPOSES.map((purpose) => [purposeField(purpose), type?.paysFor.includes(purpose) ?? false])) as PurposeFields;
  return {
    id: type?.id ?? "",
    name: type?.name ?? "",
    description: type?.description ?? "",
    currency: type?.currency ?? CREDITS,
    transferable: type?.transferable ?? false,
    withdrawable: type?.withdrawable ?? false,
    storeShare: type ? formatUnits(BigInt(type.storeShareCapBps), 2).replace(/\.00$/, "") : "100",
    exchangeIn: type?.exchangeIn ?? false,
    exchangeOut: type?.exchangeOut ?? false,
    position: String(type?.position ?? 10),
    active: type?.active ?? true,
    ...purposes,
  };
}

/** Server field names shown on another form field: the cap on "storeShare", the list of uses on the first checkbox. */
const ALIASES = { storeShareCapBps: "storeShare", paysFor: purposeField(WALLET_PURPOSES[0]) } as const;

interface WalletTypeFormDialogProps {
  /** The type to edit, or null to create one. */
  type: AdminWalletType | null;
  currencies: readonly AdminCurrency[];
  onClose: () => void;
}

/**
 * Create or edit a wallet type. Id and currency are set once (the database keeps them, as users' accounts are
 * named by them); activation is its own action in the list. Mount it per opening (a key).
 */
export function WalletTypeFormDialog({ type, currencies, onClose }: WalletTypeFormDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const create = useMutation(trpc.adminWallets.createType.mutationOptions());
  const update = useMutation(trpc.adminWallets.updateType.mutationOptions());
  const creating = type === null;
  const form = useZodForm({ schema: creating ? createFormSchema : updateFormSchema, initial: valuesOf(type), aliases: ALIASES });
  const { values, errors, set } = form;
  const paysInCredits = values.currency === CREDITS;

  const save = form.onSubmit(async (input) => {
    // The form's schema already checked the input; parsing with the mode's own schema gives it the mode's type.
    if (creating) await create.mutateAsync(createWalletTypeSchema.parse(input));
    else await update.mutateAsync(updateWalletTypeSchema.parse(input));
    await queryClient.invalidateQueries(trpc.adminWallets.pathFilter());
    toast.success(creating ? "Wallet type created" : "Wallet type saved", creating && values.active ? `Every user now has a ${input.name} wallet.` : input.name);
    onClose();
  });

  const activeCurrencies = currencies.filter((currency) => currency.active);
  return (
    <FormDialog
      title={creating ? "New wallet type" : `Edit ${type.name}`}
      onClose={onClose}
      onSubmit={save}
      pending={form.pending}
      formError={form.formError}
      submitLabel={creating ? "Create wallet type" : "Save wallet type"}
    >
      <div className="grid grid-cols-2 gap-3">
        <Field label="Id" name="id" error={errors.id} hint={creating ? "A slug, fixed once created." : "Fixed once created."}>
          {(control) => <Input {...control} value={values.id} disabled={!creating} maxLength={32} autoComplete="off" onChange={(event) => set("id", event.target.value)} />}
        </Field>
        <Field label="Currency" name="currency" error={errors.currency} hint={creating ? "Fixed once created." : "Fixed by the database."}>
          {(control) => (
            <Select {...control} value={values.currency} disabled={!creating} onChange={(event) => set("currency", event.target.value)}>
              {(creating ? activeCurrencies : currencies).map((currency) => (
                <option key={currency.code} value={currency.code}>
                  {currency.code} · {currency.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <Field label="Name" name="name" error={errors.name}>
        {(control) => <Input {...control} value={values.name} maxLength={40} onChange={(event) => set("name", event.target.value)} />}
      </Field>
      <Field label="Description" name="description" error={errors.description} hint="Users read it on their wallet page.">
        {(control) => <Textarea {...control} rows={2} maxLength={300} value={values.description} onChange={(event) => set("description", event.target.value)} />}
      </Field>
      <fieldset>
        <legend className="mb-1 block text-sm font-medium">May pay for</legend>
        <p className="mb-2 text-sm text-muted">{paysInCredits ? "Sales are priced in credits, so a credits wallet may pay for any of these." : ONLY_CREDITS_PAY}</p>
        <div className="grid grid-cols-2 gap-2">
          {WALLET_PURPOSES.map((purpose) => (
            <label key={purpose} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-4 accent-accent-600"
                checked={values[purposeField(purpose)]}
                disabled={!paysInCredits}
                onChange={(event) => set(purposeField(purpose), event.target.checked)}
              />
              {PURPOSE_WORDS[purpose].charAt(0).toUpperCase() + PURPOSE_WORDS[purpose].slice(1)}
            </label>
          ))}
        </div>
        {errors[purposeField(WALLET_PURPOSES[0])] ? <p className="mt-1.5 text-sm text-red-700">{errors[purposeField(WALLET_PURPOSES[0])]}</p> : null}
      </fieldset>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Store share cap (%)" name="storeShare" error={errors.storeShare} hint="The most of a store order it may pay.">
          {(control) => <Input {...control} inputMode="decimal" value={values.storeShare} onChange={(event) => set("storeShare", event.target.value)} />}
        </Field>
        <Field label="Position" name="position" error={errors.position} hint="Lower comes first.">
          {(control) => <Input {...control} inputMode="numeric" value={values.position} onChange={(event) => set("position", event.target.value)} />}
        </Field>
      </div>
      <CheckboxField label="Transferable" description="Members may send it to other members (credits wallets only)." checked={values.transferable} onChange={(checked) => set("transferable", checked)} />
      <CheckboxField label="Withdrawable" description="Performers may withdraw it to their bank." checked={values.withdrawable} onChange={(checked) => set("withdrawable", checked)} />
      <CheckboxField label="Exchange in" description="Users may exchange other wallets into it." checked={values.exchangeIn} onChange={(checked) => set("exchangeIn", checked)} />
      <CheckboxField label="Exchange out" description="Users may exchange it into other wallets." checked={values.exchangeOut} onChange={(checked) => set("exchangeOut", checked)} />
      {creating ? (
        <CheckboxField label="Active" description="Every user gets a wallet of this type at once." checked={values.active} onChange={(checked) => set("active", checked)} />
      ) : null}
    </FormDialog>
  );
}
