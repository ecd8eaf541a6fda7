"use client";

import { type FormEvent, type ReactNode, useEffect, useId, useRef, useSyncExternalStore } from "react";
import { createPortal } from "react-dom";
import { Button } from "@/components/ui/button";

interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  /** While true, Escape and the backdrop don't close the dialog (an action is in flight). */
  busy?: boolean;
}

const noSubscription = () => () => {};

/** False while rendering on the server and hydrating, true once the browser owns the page. */
function useIsClient(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/**
 * A modal on the native <dialog>: showModal() gives the focus trap, Escape, the inert page behind, focus on the
 * first field or button and focus return for free, and the top layer keeps it above everything.
 *
 * It is portalled to <body> and keeps submit events from bubbling out, because dialogs are often declared inside
 * the form whose action they confirm: a <form> nested in a <form> is dropped by the HTML parser (the confirm
 * button then submits the outer form as a GET), and React would bubble the inner submit to the outer handler.
 */
export function Dialog({ open, onClose, title, description, children, busy = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const isClient = useIsClient();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open, isClient]);

  if (!isClient) return null;
  return createPortal(
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget && !busy) onClose();
      }}
      onSubmit={(event) => event.stopPropagation()}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-card border border-line bg-surface p-0 text-left text-fg shadow-pop open:animate-fade-in"
    >
      <div className="space-y-2 px-6 pt-6">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        {description ? (
          <div id={descriptionId} className="text-sm text-muted">
            {description}
          </div>
        ) : null}
      </div>
      {children}
    </dialog>,
    document.body,
  );
}

interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  description?: ReactNode;
  confirmLabel: string;
  tone?: "primary" | "danger";
  pending?: boolean;
  /** Extra fields (a reason, a note) shown between the description and the buttons. */
  children?: ReactNode;
}

/** Asks before a consequential action. A form, so Enter in a field confirms and the buttons are real submitters. */
export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  description,
  confirmLabel,
  tone = "primary",
  pending = false,
  children,
}: ConfirmDialogProps) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onConfirm();
  }

  return (
    <Dialog open={open} onClose={onClose} title={title} description={description} busy={pending}>
      <form onSubmit={submit} noValidate>
        {children ? <div className="space-y-4 px-6 pt-4">{children}</div> : null}
        <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant={tone === "danger" ? "danger" : "primary"} loading={pending}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
