"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { type FieldErrors, describeTrpcError, zodFieldErrors } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { BIO_MAX_LENGTH, PASSWORD_MIN_LENGTH, signUpSchema } from "@/server/domain/user-rules";

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export function SignUpForm({ callbackPath, applyByDefault }: { callbackPath: string | null; applyByDefault: boolean }) {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const [applying, setApplying] = useState(applyByDefault);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [checkEmailAt, setCheckEmailAt] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = signUpSchema.safeParse({
      email: text(form, "email"),
      username: text(form, "username"),
      displayName: text(form, "displayName"),
      password: text(form, "password"),
      performerApplication: applying ? { stageName: text(form, "stageName"), bio: text(form, "bio") } : undefined,
    });
    if (!parsed.success) {
      setFieldErrors(zodFieldErrors(parsed.error));
      setFormError("Some fields need attention.");
      return;
    }
    setFieldErrors({});
    setFormError(null);

    try {
      await signUp.mutateAsync(parsed.data);
    } catch (error) {
      const { message, fieldErrors: serverErrors } = describeTrpcError(error);
      setFieldErrors(serverErrors);
      setFormError(message);
      return;
    }

    // Sign-up answers alike for a new email and a taken one: a new account is emailed a confirmation link, the
    // owner of a taken one a notice. Either way the next step is in the inbox.
    setCheckEmailAt(parsed.data.email);
  }

  if (checkEmailAt) {
    const signInHref = callbackPath ? `/sign-in?${new URLSearchParams({ callbackUrl: callbackPath }).toString()}` : "/sign-in";
    return (
      <div role="status" className="space-y-4">
        <h2 className="text-lg font-semibold">Check your email</h2>
        <p className="text-sm text-muted">
          Check your email to confirm your address, then sign in. We&apos;ve sent a message to{" "}
          <span className="font-medium text-fg">{checkEmailAt}</span>.
        </p>
        <p className="text-sm text-muted">
          Nothing arrived?{" "}
          <Link href="/confirm-email" className="font-semibold text-accent-700 hover:underline">
            Send the link again
          </Link>
        </p>
        <Link href={signInHref} className="inline-block font-semibold text-accent-700 hover:underline">
          Go to sign in
        </Link>
      </div>
    );
  }

  return (
    <form method="post" onSubmit={submit} noValidate className="space-y-5">
      {formError ? <FormAlert>{formError}</FormAlert> : null}
      <Field label="Email" name="email" error={fieldErrors.email}>
        {(control) => <Input {...control} type="email" autoComplete="email" inputMode="email" required />}
      </Field>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="Username" name="username" error={fieldErrors.username} hint="Letters, digits, - and _.">
          {(control) => <Input {...control} autoComplete="username" autoCapitalize="none" spellCheck={false} required />}
        </Field>
        <Field label="Display name" name="displayName" error={fieldErrors.displayName}>
          {(control) => <Input {...control} autoComplete="nickname" required />}
        </Field>
      </div>
      <Field
        label="Password"
        name="password"
        error={fieldErrors.password}
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few random words make a strong one.`}
      >
        {(control) => <Input {...control} type="password" autoComplete="new-password" required />}
      </Field>

      <fieldset className="rounded-control border border-line bg-subtle/50 p-4">
        <legend className="sr-only">Performer application</legend>
        <label className="flex cursor-pointer items-start gap-3">
          <input
            type="checkbox"
            checked={applying}
            onChange={(event) => setApplying(event.target.checked)}
            className="mt-0.5 size-4 rounded accent-accent-600"
          />
          <span>
            <span className="block text-sm font-medium">I&apos;m a performer, apply now</span>
            <span className="block text-sm text-muted">An admin reviews your application; meanwhile you can use your wallet.</span>
          </span>
        </label>
        {applying ? (
          <div className="mt-4 space-y-4">
            <Field label="Stage name" name="stageName" error={fieldErrors.stageName}>
              {(control) => <Input {...control} required />}
            </Field>
            <Field label="Bio" name="bio" labelSuffix="optional" error={fieldErrors.bio} hint={`Up to ${BIO_MAX_LENGTH} characters.`}>
              {(control) => <Textarea {...control} maxLength={BIO_MAX_LENGTH} rows={4} />}
            </Field>
          </div>
        ) : null}
      </fieldset>

      <Button type="submit" size="lg" className="w-full" loading={signUp.isPending} loadingText="Creating your account…">
        Create account
      </Button>
    </form>
  );
}
