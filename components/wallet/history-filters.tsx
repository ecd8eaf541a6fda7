"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { KindSelect } from "@/components/wallet/transaction-kind";
import type { TransactionKind } from "@/server/generated/prisma/enums";

export interface HistoryFilterValues {
  kind: TransactionKind | "";
  /** Date-input values, "YYYY-MM-DD" or empty. */
  from: string;
  to: string;
}

export const NO_HISTORY_FILTERS: HistoryFilterValues = { kind: "", from: "", to: "" };

export function hasHistoryFilters(values: HistoryFilterValues): boolean {
  return values.kind !== "" || values.from !== "" || values.to !== "";
}

interface HistoryFiltersProps {
  values: HistoryFilterValues;
  onChange: (values: HistoryFilterValues) => void;
  error: string | null;
}

/** Kind and date range; each change applies at once. */
export function HistoryFilters({ values, onChange, error }: HistoryFiltersProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const filtered = hasHistoryFilters(values);
  const dateProps = { "aria-invalid": error ? true : undefined, "aria-describedby": error ? errorId : undefined } as const;

  return (
    <div role="group" aria-label="Filter history" className="space-y-2">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-[minmax(0,12rem)_minmax(0,11rem)_minmax(0,11rem)_auto] sm:items-end">
        <div className="col-span-2 sm:col-span-1">
          <label htmlFor={`${id}-kind`} className="mb-1.5 block text-sm font-medium">
            Kind
          </label>
          <KindSelect id={`${id}-kind`} value={values.kind} onChange={(kind) => onChange({ ...values, kind })} />
        </div>
        <div>
          <label htmlFor={`${id}-from`} className="mb-1.5 block text-sm font-medium">
            From
          </label>
          <Input id={`${id}-from`} type="date" value={values.from} onChange={(event) => onChange({ ...values, from: event.target.value })} {...dateProps} />
        </div>
        <div>
          <label htmlFor={`${id}-to`} className="mb-1.5 block text-sm font-medium">
            To
          </label>
          <Input id={`${id}-to`} type="date" value={values.to} onChange={(event) => onChange({ ...values, to: event.target.value })} {...dateProps} />
        </div>
        {filtered ? (
          <Button variant="ghost" className="col-span-2 sm:col-span-1" onClick={() => onChange(NO_HISTORY_FILTERS)}>
            Clear filters
          </Button>
        ) : null}
      </div>
      {error ? (
        <p id={errorId} role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
