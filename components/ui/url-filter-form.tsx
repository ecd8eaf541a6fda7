"use client";

import Form from "next/form";
import { type ReactNode, useId } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

interface UrlFilterFormProps {
  /** The page the GET form submits to, and where "Clear" leads. */
  action: string;
  label: string;
  /** The grid's columns: the fields given as children, then From, To and the buttons. */
  gridClassName: string;
  filtered: boolean;
  /** Date-input values, "YYYY-MM-DD" or empty. */
  from: string;
  to: string;
  dateError: string | null;
  children: ReactNode;
}

/**
 * An explorer's filters, kept in the URL by a GET form so a filtered view can be linked and reloaded: the
 * explorer's own fields, a From–To date range, Apply, and Clear once anything is filtered.
 */
export function UrlFilterForm({ action, label, gridClassName, filtered, from, to, dateError, children }: UrlFilterFormProps) {
  const id = useId();
  const dateProps = { "aria-invalid": dateError ? true : undefined, "aria-describedby": dateError ? `${id}-date-error` : undefined } as const;
  return (
    <Form action={action} role="search" aria-label={label} className="space-y-2">
      <div className={`grid gap-3 sm:grid-cols-2 lg:items-end ${gridClassName}`}>
        {children}
        <div>
          <label htmlFor={`${id}-from`} className="mb-1.5 block text-sm font-medium">
            From
          </label>
          <Input id={`${id}-from`} name="from" type="date" defaultValue={from} {...dateProps} />
        </div>
        <div>
          <label htmlFor={`${id}-to`} className="mb-1.5 block text-sm font-medium">
            To
          </label>
          <Input id={`${id}-to`} name="to" type="date" defaultValue={to} {...dateProps} />
        </div>
        <div className="flex gap-2 sm:col-span-2 lg:col-span-1">
          <Button type="submit" className="flex-1 lg:flex-none">
            Apply
          </Button>
          {filtered ? (
            <ButtonLink href={action} variant="ghost">
              Clear
            </ButtonLink>
          ) : null}
        </div>
      </div>
      {dateError ? (
        <p id={`${id}-date-error`} role="alert" className="text-sm text-red-700">
          {dateError}
        </p>
      ) : null}
    </Form>
  );
}
