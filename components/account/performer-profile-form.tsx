"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useZodForm } from "@/components/kit/use-zod-form";
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
  const form = useZodForm({ schema: performerApplicationSchema, initial: { stageName: initial?.stageName ?? "", bio: initial?.bio ?? "" } });
  const { values, errors, set } = form;

  const submit = form.onSubmit(async (input) => {
    if (mode === "apply") {
      await apply.mutateAsync(input);
      toast.success("Application sent", "An admin will review it soon.");
    } else {
      await edit.mutateAsync(input);
      toast.success("Profile saved", "Your public page shows the changes now.");
    }
    router.refresh();
  });

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
      <Field label="Stage name" name="stageName" error={errors.stageName} hint="The name members see on your profile and in rooms.">
        {(control) => <Input {...control} value={values.stageName} onChange={(event) => set("stageName", event.target.value)} required />}
      </Field>
      <Field label="Bio" name="bio" labelSuffix="optional" error={errors.bio} hint={`${values.bio.length} / ${BIO_MAX_LENGTH} characters`}>
        {(control) => <Textarea {...control} rows={5} maxLength={BIO_MAX_LENGTH} value={values.bio} onChange={(event) => set("bio", event.target.value)} />}
      </Field>
      <Button type="submit" loading={form.pending} loadingText={mode === "apply" ? "Sending…" : "Saving…"}>
        {mode === "apply" ? "Send application" : "Save profile"}
      </Button>
    </form>
  );
}
