"use client";

import Form from "next/form";
import { useId } from "react";
import { UserPicker } from "@/components/ledger/user-picker";
import { Button, ButtonLink } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { KindSelect } from "@/components/wallet/transaction-kind";
import type { TransactionKind } from "@/server/generated/prisma/enums";

export interface LedgerFilterValues {
  userId?: string;
  kind?: TransactionKind;
  /** Date-input values, "YYYY-MM-DD" or empty. */
  from: string;
  to: string;
}

export function hasLedgerFilters(values: LedgerFilterValues): boolean {
  return Boolean(values.userId || values.kind || values.from || values.to);
}

/** The explorer's filters live in the URL (a GET form), so a filtered view can be linked and reloaded. */
export function LedgerFilters({ values, dateError }: { values: LedgerFilterValues; dateError: string | null }) {
  const id = useId();
  const dateProps = { "aria-invalid": dateError ? true : undefined, "aria-describedby": dateError ? `${id}-date-error` : undefined } as const;
  return (
    <Form action="/admin/ledger" role="search" aria-label="Filter transactions" className="space-y-2">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1.6fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_auto] lg:items-end">
        <div className="sm:col-span-2 lg:col-span-1">
          <UserPicker name="user" defaultUserId={values.userId} />
        </div>
        <div className="sm:col-span-2 lg:col-span-1">
          <label htmlFor={`${id}-kind`} className="mb-1.5 block text-sm font-medium">
            Kind
          </label>
          <KindSelect id={`${id}-kind`} name="kind" defaultValue={values.kind ?? ""} />
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
          {hasLedgerFilters(values) ? (
            <ButtonLink href="/admin/ledger" variant="ghost">
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
