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
import type { UserStatus } from "@/server/generated/prisma/enums";

interface UserStatusActionProps {
  user: { id: string; displayName: string; username: string; status: UserStatus };
}

/** Suspend (with a reason, ending the user's sessions) or reactivate, each behind a confirmation. */
export function UserStatusAction({ user }: UserStatusActionProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const suspend = useMutation(trpc.admin.users.suspend.mutationOptions());
  const reactivate = useMutation(trpc.admin.users.reactivate.mutationOptions());
  const suspending = user.status === "ACTIVE";
  const pending = suspend.isPending || reactivate.isPending;

  function close() {
    setOpen(false);
    setReason("");
    setReasonError(null);
  }

  async function confirm() {
    if (suspending && reason.trim().length < 3) {
      setReasonError("Give a reason of at least 3 characters.");
      return;
    }
    try {
      if (suspending) await suspend.mutateAsync({ userId: user.id, reason });
      else await reactivate.mutateAsync({ userId: user.id });
    } catch (error) {
      const { message, fieldErrors } = describeTrpcError(error);
      if (fieldErrors.reason?.[0]) setReasonError(fieldErrors.reason[0]);
      else toast.error(suspending ? "Couldn't suspend" : "Couldn't reactivate", message);
      return;
    }
    toast.success(
      suspending ? `${user.displayName} is suspended` : `${user.displayName} is active again`,
      suspending ? "Their sessions have ended." : "They can sign in again.",
    );
    close();
    router.refresh();
  }

  return (
    <>
      <Button
        size="sm"
        variant={suspending ? "secondary" : "ghost"}
        className={suspending ? "text-red-700" : "text-emerald-800"}
        onClick={() => setOpen(true)}
        aria-label={`${suspending ? "Suspend" : "Reactivate"} ${user.displayName} (@${user.username})`}
      >
        {suspending ? "Suspend" : "Reactivate"}
      </Button>
      <ConfirmDialog
        open={open}
        onClose={close}
        onConfirm={() => void confirm()}
        pending={pending}
        tone={suspending ? "danger" : "primary"}
        title={suspending ? `Suspend ${user.displayName}?` : `Reactivate ${user.displayName}?`}
        description={
          suspending
            ? `@${user.username} will be signed out everywhere at once and can't sign in until reactivated.`
            : `@${user.username} will be able to sign in again.`
        }
        confirmLabel={suspending ? "Suspend user" : "Reactivate user"}
      >
        {suspending ? (
          <Field label="Reason" name="reason" error={reasonError} hint="Kept in the audit log.">
            {(control) => (
              <Textarea
                {...control}
                rows={3}
                value={reason}
                onChange={(event) => {
                  setReason(event.target.value);
                  setReasonError(null);
                }}
              />
            )}
          </Field>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
