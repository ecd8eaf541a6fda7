"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { type ShippingAddress, shippingAddressSchema } from "@/server/domain/store";

type AddressDraft = Record<"name" | "line1" | "line2" | "city" | "postalCode" | "country", string>;

const FIELDS: Array<{ key: keyof AddressDraft; label: string; autoComplete: string; optional?: boolean }> = [
  { key: "name", label: "Full name", autoComplete: "name" },
  { key: "line1", label: "Address", autoComplete: "address-line1" },
  { key: "line2", label: "Address line 2", autoComplete: "address-line2", optional: true },
  { key: "city", label: "City", autoComplete: "address-level2" },
  { key: "postalCode", label: "Postal code", autoComplete: "postal-code" },
  { key: "country", label: "Country", autoComplete: "country" },
];

function draftFrom(address: ShippingAddress | null): AddressDraft {
  return {
    name: address?.name ?? "",
    line1: address?.line1 ?? "",
    line2: address?.line2 ?? "",
    city: address?.city ?? "",
    postalCode: address?.postalCode ?? "",
    country: address?.country ?? "",
  };
}

/** Where paid goods go: the member gives (or corrects) it, checked with the store's address rules. */
export function ShippingDialog({ requestId, current, onClose }: { requestId: string | null; current: ShippingAddress | null; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const give = useMutation(trpc.paymentRequests.giveShipping.mutationOptions());
  const [draft, setDraft] = useState<AddressDraft>(() => draftFrom(current));
  const [errors, setErrors] = useState<Partial<Record<keyof AddressDraft, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!requestId) return;
    const parsed = shippingAddressSchema.safeParse({ ...draft, line2: draft.line2.trim() || undefined });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((issue) => [issue.path[0], issue.message])));
      return;
    }
    setErrors({});
    give.mutate(
      { requestId, address: parsed.data },
      {
        onSuccess: () => {
          toast.success("Shipping address saved", "The performer sees where to send it.");
          onClose();
        },
        onError: (error) => {
          const { message, fieldErrors } = describeTrpcError(error);
          setErrors(Object.fromEntries(Object.entries(fieldErrors).map(([key, messages]) => [key.replace(/^address\./, ""), messages[0]])));
          setFormError(message);
        },
      },
    );
  }

  return (
    <Dialog open={requestId !== null} onClose={onClose} busy={give.isPending} title="Where should it be shipped?">
      <form onSubmit={submit} noValidate>
        <div className="space-y-3 px-6 pt-4">
        {formError ? <FormAlert>{formError}</FormAlert> : null}
        {FIELDS.map((field) => (
          <Field key={field.key} label={field.label} name={field.key} error={errors[field.key]} labelSuffix={field.optional ? "optional" : undefined}>
            {(control) => (
              <Input
                {...control}
                autoComplete={field.autoComplete}
                placeholder={field.key === "country" ? "US" : undefined}
                value={draft[field.key]}
                onChange={(event) => setDraft((value) => ({ ...value, [field.key]: event.target.value }))}
              />
            )}
          </Field>
        ))}
        </div>
        <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">
          <Button variant="ghost" onClick={onClose} disabled={give.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={give.isPending}>
            Save address
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
