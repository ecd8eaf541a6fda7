"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { type AuditParams, hasAuditFilters } from "@/components/admin/audit/audit-params";
import { UserPicker } from "@/components/ledger/user-picker";
import { useTRPC } from "@/components/providers/trpc";
import { Select } from "@/components/ui/input";
import { UrlFilterForm } from "@/components/ui/url-filter-form";

/** The audit log's filters: actor, target user, action and a date range, in the URL. */
export function AuditFilters({ values, dateError }: { values: AuditParams; dateError: string | null }) {
  const id = useId();
  const trpc = useTRPC();
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const options = actions.data ?? [];
  return (
    <UrlFilterForm
      action="/admin/audit"
      label="Filter the audit log"
      gridClassName="lg:grid-cols-[minmax(0,1.3fr)_minmax(0,1.3fr)_minmax(0,1.2fr)_minmax(0,0.9fr)_minmax(0,0.9fr)_auto]"
      filtered={hasAuditFilters(values)}
      from={values.from}
      to={values.to}
      dateError={dateError}
    >
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
    </UrlFilterForm>
  );
}
