"use client";

import { useId } from "react";
import { UserPicker } from "@/components/ledger/user-picker";
import { UrlFilterForm } from "@/components/ui/url-filter-form";
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

/** The ledger explorer's filters: user, kind and a date range, in the URL. */
export function LedgerFilters({ values, dateError }: { values: LedgerFilterValues; dateError: string | null }) {
  const id = useId();
  return (
    <UrlFilterForm
      action="/admin/ledger"
      label="Filter transactions"
      gridClassName="lg:grid-cols-[minmax(0,1.6fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_auto]"
      filtered={hasLedgerFilters(values)}
      from={values.from}
      to={values.to}
      dateError={dateError}
    >
      <div className="sm:col-span-2 lg:col-span-1">
        <UserPicker name="user" defaultUserId={values.userId} />
      </div>
      <div className="sm:col-span-2 lg:col-span-1">
        <label htmlFor={`${id}-kind`} className="mb-1.5 block text-sm font-medium">
          Kind
        </label>
        <KindSelect id={`${id}-kind`} name="kind" defaultValue={values.kind ?? ""} />
      </div>
    </UrlFilterForm>
  );
}
