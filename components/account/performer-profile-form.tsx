"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { type FieldErrors, describeTrpcError, zodFieldErrors } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { BIO_MAX_LENGTH, performerApplicationSchema } from "@/server/domain/user-rules";

interface PerformerProfileFormProps {
  /** "apply" submits an application for review; "edit" changes an approved performer's public profile. */
  mode: "apply" | "edit";
  initial?: { stageName: string; bio: string };
}

export function PerformerProfileForm({ mode, initial }: PerformerProfileFormProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const apply = useMutation(trpc.performers.submitApplication.mutationOptions());
  const edit = useMutation(trpc.performers.updateMyProfile.mutationOptions());
  const mutation = mode === "apply" ? apply : edit;
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [bioLength, setBioLength] = useState(initial?.bio.length ?? 0);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = performerApplicationSchema.safeParse({ stageName: form.get("stageName"), bio: form.get("bio") ?? "" });
    if (!parsed.success) {
      setFieldErrors(zodFieldErrors(parsed.error));
      setFormError(null);
      return;
    }
    setFieldErrors({});
    setFormError(null);
    try {
      await mutation.mutateAsync(parsed.data);
    } catch (error) {
      const { message, fieldErrors: serverErrors } = describeTrpcError(error);
      setFieldErrors(serverErrors);
      setFormError(message);
      return;
    }
    if (mode === "apply") toast.success("Application sent", "An admin will review it soon.");
    else toast.success("Profile saved", "Your public page shows the changes now.");
    router.refresh();
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {formError ? <FormAlert>{formError}</FormAlert> : null}
      <Field label="Stage name" name="stageName" error={fieldErrors.stageName} hint="The name members see on your profile and in rooms.">
        {(control) => <Input {...control} defaultValue={initial?.stageName} required />}
      </Field>
      <Field
        label="Bio"
        name="bio"
        labelSuffix="optional"
        error={fieldErrors.bio}
        hint={`${bioLength} / ${BIO_MAX_LENGTH} characters`}
      >
        {(control) => (
          <Textarea
            {...control}
            defaultValue={initial?.bio}
            rows={5}
            maxLength={BIO_MAX_LENGTH}
            onChange={(event) => setBioLength(event.target.value.length)}
          />
        )}
      </Field>
      <Button type="submit" loading={mutation.isPending} loadingText={mode === "apply" ? "Sending…" : "Saving…"}>
        {mode === "apply" ? "Send application" : "Save profile"}
      </Button>
    </form>
  );
}
