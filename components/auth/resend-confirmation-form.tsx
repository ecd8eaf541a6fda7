"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/** Asks for a new confirmation link. The server answers alike for any email, so this page does too. */
export function ResendConfirmationForm() {
  const trpc = useTRPC();
  const resend = useMutation(trpc.auth.resendConfirmation.mutationOptions());
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; email?: string[] } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get("email");
    const email = typeof value === "string" ? value.trim() : "";
    setError(null);
    try {
      await resend.mutateAsync({ email });
      setSentTo(email);
    } catch (caught) {
      const { message, fieldErrors } = describeTrpcError(caught);
      setError({ message, email: fieldErrors.email });
    }
  }

  if (sentTo) {
    return (
      <p role="status" className="text-sm text-muted">
        If <span className="font-medium text-fg">{sentTo}</span> is waiting for confirmation, a new link is on its way. Check
        your email, then sign in.
      </p>
    );
  }

  return (
    <form method="post" onSubmit={submit} noValidate className="space-y-4">
      {error ? <FormAlert>{error.message}</FormAlert> : null}
      <Field label="Email" name="email" error={error?.email}>
        {(control) => <Input {...control} type="email" autoComplete="email" inputMode="email" required />}
      </Field>
      <Button type="submit" className="w-full" loading={resend.isPending} loadingText="Sending…">
        Send the link again
      </Button>
    </form>
  );
}
