"use client";

import { getSession } from "next-auth/react";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { signInWithCredentials } from "@/components/auth/credentials-sign-in";
import { type FieldErrors, zodFieldErrors } from "@/components/auth/form-errors";
import { Button } from "@/components/ui/button";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { homePathForRole } from "@/server/auth/areas";
import { signInErrorMessage } from "@/server/auth/sign-in-errors";
import { signInSchema } from "@/server/domain/user-rules";


export function SignInForm({ callbackPath, notice }: { callbackPath: string | null; notice: string | null }) {
  const router = useRouter();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      setFieldErrors(zodFieldErrors(parsed.error));
      setFormError(null);
      return;
    }
    setFieldErrors({});
    setFormError(null);
    setPending(true);
    try {
      const error = await signInWithCredentials(parsed.data.email, parsed.data.password);
      if (error) {
        setFormError(signInErrorMessage(error));
        return;
      }
      const session = await getSession();
      router.replace(callbackPath ?? (session ? homePathForRole(session.user.role) : "/"));
      router.refresh();
    } catch {
      setFormError(signInErrorMessage("SignInUnavailable"));
    } finally {
      setPending(false);
    }
  }

  return (
    <form method="post" onSubmit={submit} noValidate className="space-y-5">
      {notice ? <FormAlert tone="info">{notice}</FormAlert> : null}
      {formError ? <FormAlert>{formError}</FormAlert> : null}
      <Field label="Email" name="email" error={fieldErrors.email}>
        {(control) => <Input {...control} type="email" autoComplete="email" inputMode="email" required autoFocus />}
      </Field>
      <Field label="Password" name="password" error={fieldErrors.password}>
        {(control) => <Input {...control} type="password" autoComplete="current-password" required />}
      </Field>
      <Button type="submit" size="lg" className="w-full" loading={pending} loadingText="Signing in…">
        Sign in
      </Button>
    </form>
  );
}
