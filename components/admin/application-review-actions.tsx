"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";

type Decision = "APPROVE" | "REJECT";

/** Approve (optional note) or reject (a note the applicant will read is required), each confirmed in a dialog. */
export function ApplicationReviewActions({ application }: { application: { userId: string; stageName: string } }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const review = useMutation(trpc.admin.applications.review.mutationOptions());
  const [decision, setDecision] = useState<Decision | null>(null);
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState<string | null>(null);

  function close() {
    setDecision(null);
    setNote("");
    setNoteError(null);
  }

  async function confirm() {
    if (!decision) return;
    if (decision === "REJECT" && note.trim().length < 3) {
      setNoteError("Tell the applicant why, in a few words.");
      return;
    }
    try {
      await review.mutateAsync(
        decision === "APPROVE"
          ? { userId: application.userId, decision, note: note.trim() || undefined }
          : { userId: application.userId, decision, note },
      );
    } catch (error) {
      const { message, fieldErrors } = describeTrpcError(error);
      if (fieldErrors.note?.[0]) {
        setNoteError(fieldErrors.note[0]);
        return;
      }
      toast.error("Review failed", message);
      close();
      router.refresh();
      return;
    }
    toast.success(
      decision === "APPROVE" ? `${application.stageName} is approved` : `${application.stageName} was rejected`,
      decision === "APPROVE" ? "Their profile is public now." : "They'll see your note on their account page.",
    );
    close();
    router.refresh();
  }

  return (
    <div className="flex gap-2">
      <Button size="sm" onClick={() => setDecision("APPROVE")} aria-label={`Approve ${application.stageName}`}>
        Approve
      </Button>
      <Button size="sm" variant="secondary" className="text-red-700" onClick={() => setDecision("REJECT")} aria-label={`Reject ${application.stageName}`}>
        Reject
      </Button>
      <ConfirmDialog
        open={decision !== null}
        onClose={close}
        onConfirm={() => void confirm()}
        pending={review.isPending}
        tone={decision === "REJECT" ? "danger" : "primary"}
        title={decision === "REJECT" ? `Reject ${application.stageName}?` : `Approve ${application.stageName}?`}
        description={
          decision === "REJECT"
            ? "The applicant sees your note and may apply again."
            : "They become a performer with a public profile right away."
        }
        confirmLabel={decision === "REJECT" ? "Reject application" : "Approve application"}
      >
        <Field
          label={decision === "REJECT" ? "Note to the applicant" : "Note"}
          labelSuffix={decision === "REJECT" ? undefined : "optional"}
          name="note"
          error={noteError}
        >
          {(control) => (
            <Textarea
              {...control}
              rows={3}
              value={note}
              onChange={(event) => {
                setNote(event.target.value);
                setNoteError(null);
              }}
            />
          )}
        </Field>
      </ConfirmDialog>
    </div>
  );
}
