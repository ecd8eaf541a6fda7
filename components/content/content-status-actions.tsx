"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import type { ContentStatus } from "@/server/domain/content-rules";

interface ContentStatusActionsProps {
  itemId: string;
  title: string;
  status: ContentStatus;
  /** Why it cannot be published yet, or null. */
  publishProblem: string | null;
  salesCount: number;
}

const DONE: Record<ContentStatus, string> = {
  PUBLISHED: "is on sale",
  DRAFT: "is back to draft",
  ARCHIVED: "is archived",
};

/** Publish, unpublish, archive or (never sold) delete an item. */
export function ContentStatusActions({ itemId, title, status, publishProblem, salesCount }: ContentStatusActionsProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const setStatus = useMutation(trpc.content.setStatus.mutationOptions());
  const remove = useMutation(trpc.content.delete.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  function move(to: ContentStatus) {
    setError(null);
    setStatus.mutate(
      { itemId, status: to },
      {
        onSuccess: () => {
          toast.success(`${title} ${DONE[to]}`);
          router.refresh();
        },
        onError: (cause) => setError(describeTrpcError(cause).message),
      },
    );
  }

  function destroy() {
    remove.mutate(
      { itemId },
      {
        onSuccess: () => {
          toast.success("Item deleted", title);
          router.push("/performer/content");
          router.refresh();
        },
        onError: (cause) => {
          setConfirmingDelete(false);
          setError(describeTrpcError(cause).message);
        },
      },
    );
  }

  const busy = setStatus.isPending || remove.isPending;
  return (
    <div className="space-y-3">
      {error ? <FormAlert>{error}</FormAlert> : null}
      {status !== "PUBLISHED" && publishProblem ? <p className="text-sm text-muted">{publishProblem}</p> : null}
      <div className="flex flex-wrap gap-2">
        {status !== "PUBLISHED" ? (
          <Button onClick={() => move("PUBLISHED")} disabled={busy || publishProblem !== null}>
            {status === "ARCHIVED" ? "Publish again" : "Publish"}
          </Button>
        ) : null}
        {status !== "DRAFT" ? (
          <Button variant="secondary" onClick={() => move("DRAFT")} disabled={busy}>
            Move to draft
          </Button>
        ) : null}
        {status === "PUBLISHED" ? (
          <Button variant="secondary" onClick={() => move("ARCHIVED")} disabled={busy}>
            Archive
          </Button>
        ) : null}
        {salesCount === 0 ? (
          <Button variant="danger" onClick={() => setConfirmingDelete(true)} disabled={busy}>
            Delete
          </Button>
        ) : null}
      </div>
      {salesCount > 0 ? (
        <p className="text-xs text-muted">Members who unlocked it keep it whatever you do; archive it to stop selling it.</p>
      ) : status === "DRAFT" ? (
        <p className="text-xs text-muted">Drafts are visible only to you.</p>
      ) : null}
      <ConfirmDialog
        open={confirmingDelete}
        onClose={() => setConfirmingDelete(false)}
        onConfirm={destroy}
        pending={remove.isPending}
        tone="danger"
        title={`Delete “${title}”?`}
        description="The item and its files are removed for good."
        confirmLabel="Delete item"
      />
    </div>
  );
}
