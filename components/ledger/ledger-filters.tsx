"use client";

import { useId } from "react";
import { ALL_CURRENCIES, DEFAULT_LEDGER_CURRENCY } from "@/components/ledger/ledger-currency";
import { UserPicker } from "@/components/ledger/user-picker";
import { Select } from "@/components/ui/input";
import { UrlFilterForm } from "@/components/ui/url-filter-form";
import { KindSelect } from "@/components/wallet/transaction-kind";
import type { TransactionKind } from "@/server/generated/prisma/enums";

export interface LedgerFilterValues {
  userId?: string;
  kind?: TransactionKind;
  /** A currency code, or ALL_CURRENCIES. */
  currency: string;
  /** Date-input values, "YYYY-MM-DD" or empty. */
  from: string;
  to: string;
}

export function hasLedgerFilters(values: LedgerFilterValues): boolean {
  return Boolean(values.userId || values.kind || values.from || values.to || values.currency !== DEFAULT_LEDGER_CURRENCY);
}

/** The ledger explorer's filters: user, kind, currency and a date range, in the URL. */
export function LedgerFilters({ values, currencies, dateError }: { values: LedgerFilterValues; currencies: readonly string[]; dateError: string | null }) {
  const id = useId();
  return (
    <UrlFilterForm
      action="/admin/ledger"
      label="Filter transactions"
      gridClassName="lg:grid-cols-[minmax(0,1.6fr)_minmax(0,1fr)_minmax(0,0.8fr)_minmax(0,1fr)_minmax(0,1fr)_auto]"
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
      <div>
        <label htmlFor={`${id}-currency`} className="mb-1.5 block text-sm font-medium">
          Currency
        </label>
        <Select id={`${id}-currency`} name="currency" defaultValue={values.currency}>
          {currencies.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
          <option value={ALL_CURRENCIES}>All currencies</option>
        </Select>
      </div>
    </UrlFilterForm>
  );
}
