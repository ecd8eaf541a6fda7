"use client";

import { useQuery } from "@tanstack/react-query";
import Form from "next/form";
import { useId } from "react";
import { type AuditParams, hasAuditFilters } from "@/components/admin/audit/audit-params";
import { UserPicker } from "@/components/ledger/user-picker";
import { useTRPC } from "@/components/providers/trpc";
import { Button, ButtonLink } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";

/** The viewer's filters live in the URL (a GET form), so a filtered view can be linked and reloaded. */
export function AuditFilters({ values, dateError }: { values: AuditParams; dateError: string | null }) {
  const id = useId();
  const trpc = useTRPC();
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const options = actions.data ?? [];
  const dateProps = { "aria-invalid": dateError ? true : undefined, "aria-describedby": dateError ? `${id}-date-error` : undefined } as const;
  return (
    <Form action="/admin/audit" role="search" aria-label="Filter the audit log" className="space-y-2">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1.3fr)_minmax(0,1.3fr)_minmax(0,1.2fr)_minmax(0,0.9fr)_minmax(0,0.9fr)_auto] lg:items-end">
        <UserPicker name="actor" label="Actor" defaultUserId={values.actor || undefined} />
        <UserPicker name="target" label="Target user" defaultUserId={values.target || undefined} />
        <div className="sm:col-span-2 lg:col-span-1">
          <label htmlFor={`${id}-action`} className="mb-1.5 block text-sm font-medium">
            Action
          </label>
          {/* Keyed on the options, so the URL's action is selected once they arrive. */}
          <Select key={options.length} id={`${id}-action`} name="action" defaultValue={values.action}>
            <option value="">All actions</option>
            {values.action && !options.some((option) => option.action === values.action) ? <option value={values.action}>{values.action}</option> : null}
            {options.map((option) => (
              <option key={option.action} value={option.action}>
                {option.label}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor={`${id}-from`} className="mb-1.5 block text-sm font-medium">
            From
          </label>
          <Input id={`${id}-from`} name="from" type="date" defaultValue={values.from} {...dateProps} />
        </div>
        <div>
          <label htmlFor={`${id}-to`} className="mb-1.5 block text-sm font-medium">
            To
          </label>
          <Input id={`${id}-to`} name="to" type="date" defaultValue={values.to} {...dateProps} />
        </div>
        <div className="flex gap-2 sm:col-span-2 lg:col-span-1">
          <Button type="submit" className="flex-1 lg:flex-none">
            Apply
          </Button>
          {hasAuditFilters(values) ? (
            <ButtonLink href="/admin/audit" variant="ghost">
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
