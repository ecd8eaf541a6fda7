"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { type AddressDraft, AddressFields, addressDraft } from "@/components/store/address-fields";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { type ShippingAddress, shippingAddressSchema } from "@/server/domain/store";

/** Where paid goods go: the member gives (or corrects) it, checked with the store's address rules. */
export function ShippingDialog({ requestId, current, onClose }: { requestId: string | null; current: ShippingAddress | null; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const give = useMutation(trpc.paymentRequests.giveShipping.mutationOptions());
  const [draft, setDraft] = useState<AddressDraft>(() => addressDraft(current));
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
        <AddressFields draft={draft} errors={errors} onChange={setDraft} />
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
