"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type ChangeEvent, useId, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { type ContentFileRole, type ContentKind, formatByteSize, uploadRule } from "@/server/domain/content-rules";
import { ACCEPTED_MIME_TYPES } from "@/server/domain/file-type";
import type { ContentFileView } from "@/server/services/content";

type UploadOutcome = { ok: true } | { ok: false; message: string };

/**
 * Sends one file to the upload route. XMLHttpRequest rather than fetch because it reports upload progress; the
 * route's refusal arrives as `{ error }` and is shown as it is.
 */
function uploadFile(itemId: string, role: ContentFileRole, file: File, onProgress: (percent: number) => void): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const form = new FormData();
    form.set("role", role);
    form.set("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", `/api/content/items/${itemId}/files`);
    request.responseType = "json";
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.floor((event.loaded / event.total) * 100));
    };
    request.onload = () => {
      if (request.status === 201) return resolve({ ok: true });
      const body = request.response as { error?: string } | null;
      resolve({ ok: false, message: body?.error ?? `The upload failed (HTTP ${request.status}).` });
    };
    request.onerror = () => resolve({ ok: false, message: "The upload was interrupted. Check your connection and try again." });
    request.send(form);
  });
}

interface Upload {
  name: string;
  percent: number;
}

interface FileSlotProps {
  itemId: string;
  kind: ContentKind;
  role: ContentFileRole;
  title: string;
  description: string;
  files: ContentFileView[];
  maxUploadBytes: number;
}

/** One kind of file of an item (the teaser image, or the protected files): what is there, and uploads with progress. */
function FileSlot({ itemId, kind, role, title, description, files, maxUploadBytes }: FileSlotProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const inputId = useId();
  const remove = useMutation(trpc.content.deleteFile.mutationOptions());
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [deleting, setDeleting] = useState<ContentFileView | null>(null);
  const rule = uploadRule(kind, role);
  const accepted = rule.accepts.flatMap((media) => ACCEPTED_MIME_TYPES[media]);
  const full = role === "PROTECTED" && files.length >= rule.maxFiles;

  /** What the browser can tell before sending; the server checks the bytes themselves. */
  function problemOf(file: File): string | null {
    if (file.size > maxUploadBytes) return `${file.name} is ${formatByteSize(file.size)}; a file may be at most ${formatByteSize(maxUploadBytes)}.`;
    if (file.type && !accepted.includes(file.type)) return `${file.name} is not an accepted type (${accepted.join(", ")}).`;
    return null;
  }

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const chosen = [...(event.target.files ?? [])];
    event.target.value = "";
    const found: string[] = [];
    let uploaded = 0;
    for (const file of chosen) {
      const problem = problemOf(file);
      if (problem) {
        found.push(problem);
        continue;
      }
      setUploads((current) => [...current, { name: file.name, percent: 0 }]);
      const outcome = await uploadFile(itemId, role, file, (percent) =>
        setUploads((current) => current.map((upload) => (upload.name === file.name ? { ...upload, percent } : upload))),
      );
      setUploads((current) => current.filter((upload) => upload.name !== file.name));
      if (outcome.ok) uploaded++;
      else found.push(`${file.name}: ${outcome.message}`);
    }
    setProblems(found);
    if (uploaded > 0) {
      toast.success(uploaded === 1 ? "File uploaded" : `${uploaded} files uploaded`);
      router.refresh();
    }
  }

  function confirmDelete() {
    if (!deleting) return;
    remove.mutate(
      { fileId: deleting.id },
      {
        onSuccess: () => {
          toast.success("File deleted", deleting.fileName);
          setDeleting(null);
          router.refresh();
        },
        onError: (error) => {
          setDeleting(null);
          setProblems([describeTrpcError(error).message]);
        },
      },
    );
  }

  return (
    <section aria-labelledby={`${inputId}-heading`} className="space-y-3">
      <div>
        <h3 id={`${inputId}-heading`} className="font-semibold text-fg">
          {title}
        </h3>
        <p className="text-sm text-muted">{description}</p>
      </div>
      {problems.map((problem) => (
        <FormAlert key={problem}>{problem}</FormAlert>
      ))}
      {files.length > 0 ? (
        <ul className="divide-y divide-line rounded-control border border-line">
          {files.map((file) => (
            <li key={file.id} className="flex items-center gap-3 px-3 py-2 text-sm">
              {file.mimeType.startsWith("image/") ? (
                // eslint-disable-next-line @next/next/no-img-element -- the owner's preview, through the access-checked file route
                <img src={file.url} alt="" className="size-12 shrink-0 rounded-md object-cover" />
              ) : (
                <video src={file.url} preload="metadata" muted className="size-12 shrink-0 rounded-md bg-black object-cover" />
              )}
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium">{file.fileName}</p>
                <p className="text-muted">
                  {file.mimeType} · {formatByteSize(Number(file.sizeBytes))}
                </p>
              </div>
              <Button size="sm" variant="ghost" onClick={() => setDeleting(file)} aria-label={`Delete ${file.fileName}`}>
                Delete
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {uploads.map((upload) => (
        <div key={upload.name} className="space-y-1 text-sm">
          <div className="flex justify-between gap-3">
            <span className="truncate">Uploading {upload.name}</span>
            <span className="tabular-nums text-muted">{upload.percent}%</span>
          </div>
          <progress className="h-2 w-full accent-accent-600" max={100} value={upload.percent} aria-label={`Uploading ${upload.name}`} />
        </div>
      ))}
      {full ? null : (
        <div>
          <label
            htmlFor={inputId}
            className="inline-flex h-8 cursor-pointer items-center rounded-control border border-line-strong bg-surface px-3 text-sm font-semibold shadow-sm hover:bg-subtle"
          >
            {role === "TEASER" && files.length > 0 ? "Replace teaser image" : rule.maxFiles > 1 ? "Add files" : "Choose a file"}
          </label>
          <input
            id={inputId}
            type="file"
            className="sr-only"
            accept={accepted.join(",")}
            multiple={rule.maxFiles > 1}
            disabled={uploads.length > 0}
            onChange={(event) => void choose(event)}
          />
          <p className="mt-1 text-xs text-muted">Up to {formatByteSize(maxUploadBytes)} each.</p>
        </div>
      )}
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        onConfirm={confirmDelete}
        pending={remove.isPending}
        tone="danger"
        title="Delete this file?"
        description={`${deleting?.fileName ?? ""} is removed for good, also for members who unlocked the item.`}
        confirmLabel="Delete file"
      />
    </section>
  );
}

interface ContentFilesProps {
  itemId: string;
  kind: ContentKind;
  files: ContentFileView[];
  maxUploadBytes: number;
}

/** The item's teaser image and protected files. */
export function ContentFiles({ itemId, kind, files, maxUploadBytes }: ContentFilesProps) {
  const protectedRule = uploadRule(kind, "PROTECTED");
  return (
    <div className="space-y-8">
      <FileSlot
        itemId={itemId}
        kind={kind}
        role="TEASER"
        title="Teaser image"
        description="Public: shown on your page and the item's page to everyone."
        files={files.filter((file) => file.role === "TEASER")}
        maxUploadBytes={maxUploadBytes}
      />
      {protectedRule.maxFiles > 0 ? (
        <FileSlot
          itemId={itemId}
          kind={kind}
          role="PROTECTED"
          title={kind === "VIDEO" ? "Video" : kind === "PICTURES" ? "Pictures" : "Pictures in the post"}
          description="Protected: only buyers and members with access can open them."
          files={files.filter((file) => file.role === "PROTECTED")}
          maxUploadBytes={maxUploadBytes}
        />
      ) : null}
    </div>
  );
}
