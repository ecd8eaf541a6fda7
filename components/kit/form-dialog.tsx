"use client";

import type { FormEvent, ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/field";

interface FormDialogProps {
  title: string;
  onClose: () => void;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  /** While saving: the dialog can't be dismissed, Cancel is disabled and the submit button shows a spinner. */
  pending: boolean;
  formError: string | null;
  submitLabel: string;
  children: ReactNode;
}

/**
 * A create-or-edit form in a modal: the form-level error on top, the fields, then Cancel and the submit button.
 * Mount it per opening (a key), so its form state starts from the record each time.
 */
export function FormDialog({ title, onClose, onSubmit, pending, formError, submitLabel, children }: FormDialogProps) {
  return (
    <Dialog open onClose={onClose} busy={pending} title={title}>
      <form onSubmit={onSubmit} noValidate>
        <div className="space-y-4 px-6 pt-4">
          {formError ? <FormAlert>{formError}</FormAlert> : null}
          {children}
        </div>
        <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** A yes/no setting with its explanation, such as "On sale". */
export function CheckboxField({ label, description, checked, onChange }: { label: string; description: ReactNode; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="flex items-start gap-3 text-sm">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} className="mt-0.5 size-4 accent-accent-600" />
      <span>
        <span className="font-medium">{label}</span>
        <span className="block text-muted">{description}</span>
      </span>
    </label>
  );
}
