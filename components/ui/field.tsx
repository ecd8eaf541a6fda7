import { type ReactNode, useId } from "react";
import { cn } from "@/components/ui/cn";

/** What a form control needs to be tied to its label, hint and error for assistive technology. */
export interface FieldControlProps {
  id: string;
  name: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

interface FieldProps {
  label: string;
  name: string;
  /** The first message is shown; a field shows one problem at a time. */
  error?: string | string[] | null;
  hint?: ReactNode;
  /** Shown after the label, e.g. "optional". */
  labelSuffix?: string;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}

/**
 * Label, control, hint and error wired together: the label's htmlFor, aria-invalid and aria-describedby all
 * point at the right ids, so screen readers announce the error with the field.
 */
export function Field({ label, name, error, hint, labelSuffix, className, children }: FieldProps) {
  const id = useId();
  const message = Array.isArray(error) ? error[0] : error;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = message ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;

  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        {label}
        {labelSuffix ? <span className="ml-1 font-normal text-muted">({labelSuffix})</span> : null}
      </label>
      {children({ id, name, "aria-invalid": message ? true : undefined, "aria-describedby": describedBy })}
      {message ? (
        <p id={errorId} className="flex items-start gap-1.5 text-sm text-red-700">
          <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="mt-0.5 size-4 shrink-0">
            <path
              fillRule="evenodd"
              d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
              clipRule="evenodd"
            />
          </svg>
          {message}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="text-sm text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A form-level message (not tied to one field), announced when it appears. */
export function FormAlert({ children, tone = "error" }: { children: ReactNode; tone?: "error" | "info" }) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cn(
        "rounded-control border px-3 py-2.5 text-sm",
        tone === "error" ? "border-red-200 bg-red-50 text-red-800" : "border-sky-200 bg-sky-50 text-sky-900",
      )}
    >
      {children}
    </div>
  );
}
