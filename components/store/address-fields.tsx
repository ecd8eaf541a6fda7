"use client";

import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ShippingAddress } from "@/server/domain/store";

/** A shipping address as typed, every field a string (line 2 empty when unused); `shippingAddressSchema` checks it. */
export type AddressDraft = Record<"name" | "line1" | "line2" | "city" | "postalCode" | "country", string>;

const ADDRESS_FIELDS: Array<{ key: keyof AddressDraft; label: string; autoComplete: string; optional?: boolean }> = [
  { key: "name", label: "Full name", autoComplete: "name" },
  { key: "line1", label: "Address", autoComplete: "address-line1" },
  { key: "line2", label: "Address line 2", autoComplete: "address-line2", optional: true },
  { key: "city", label: "City", autoComplete: "address-level2" },
  { key: "postalCode", label: "Postal code", autoComplete: "postal-code" },
  { key: "country", label: "Country", autoComplete: "country" },
];

/** The draft of a stored address, or an empty one. */
export function addressDraft(address: ShippingAddress | null = null): AddressDraft {
  return {
    name: address?.name ?? "",
    line1: address?.line1 ?? "",
    line2: address?.line2 ?? "",
    city: address?.city ?? "",
    postalCode: address?.postalCode ?? "",
    country: address?.country ?? "",
  };
}

/** The address's inputs, each with its error; the store's order form and a payment request's shipping dialog use them. */
export function AddressFields({
  draft,
  errors,
  onChange,
}: {
  draft: AddressDraft;
  errors: Partial<Record<keyof AddressDraft, string>>;
  onChange: (update: (current: AddressDraft) => AddressDraft) => void;
}) {
  return ADDRESS_FIELDS.map((field) => (
    <Field key={field.key} label={field.label} name={field.key} error={errors[field.key]} labelSuffix={field.optional ? "optional" : undefined}>
      {(control) => (
        <Input
          {...control}
          autoComplete={field.autoComplete}
          placeholder={field.key === "country" ? "US" : undefined}
          value={draft[field.key]}
          onChange={(event) => onChange((current) => ({ ...current, [field.key]: event.target.value }))}
        />
      )}
    </Field>
  ));
}
