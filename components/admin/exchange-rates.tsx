"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { z } from "zod";
import { formatBps, percentToBps } from "@/components/commissions/rate-input";
import { type Column, DataTable } from "@/components/kit/data-table";
import { textAs } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import type { AppRouter } from "@/server/api/root";
import { addExchangeRateSchema, rateDecimal } from "@/server/domain/exchange";

type Row = inferRouterOutputs<AppRouter>["exchange"]["rates"][number];
type Status = "in effect" | "scheduled" | "replaced";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** Rows arrive newest effective-from first, so the first started row of each pair is the one in effect. */
function statusOf(rows: readonly Row[], now: Date): Map<bigint, Status> {
  const seen = new Set<string>();
  const status = new Map<bigint, Status>();
  for (const row of rows) {
    const pair = `${row.fromCurrency}>${row.toCurrency}`;
    if (row.effectiveFrom > now) status.set(row.id, "scheduled");
    else if (seen.has(pair)) status.set(row.id, "replaced");
    else {
      seen.add(pair);
      status.set(row.id, "in effect");
    }
  }
  return status;
}

const STATUS_BADGES: Record<Status, React.ReactNode> = {
  "in effect": <Badge tone="success">In effect</Badge>,
  scheduled: <Badge tone="info">Scheduled</Badge>,
  replaced: <Badge>Replaced</Badge>,
};

/** The new-rate form read into the tRPC input: the fee typed as a percentage, a blank start meaning now. */
const rateFormSchema = z
  .object({
    fromCurrency: z.string(),
    toCurrency: z.string(),
    rate: z.string(),
    feePercent: textAs(percentToBps, "Enter the fee as a percentage from 0 to 50, with up to two decimals."),
    startsAt: z.string(),
  })
  .transform(({ fromCurrency, toCurrency, rate, feePercent, startsAt }): z.input<typeof addExchangeRateSchema> => ({
    fromCurrency,
    toCurrency,
    rate,
    feeBps: feePercent,
    effectiveFrom: startsAt ? new Date(startsAt) : undefined,
  }))
  .pipe(addExchangeRateSchema);

const BLANK = { rate: "", feePercent: "", startsAt: "" };

function NewRateForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const currencies = useQuery(trpc.exchange.currencies.queryOptions());
  const addRate = useMutation(trpc.exchange.addRate.mutationOptions());
  const form = useZodForm({
    schema: rateFormSchema,
    initial: { fromCurrency: "CRD", toCurrency: "USD", ...BLANK },
    aliases: { feeBps: "feePercent", effectiveFrom: "startsAt" },
  });
  const { values, errors, set } = form;
  const codes = currencies.data ?? [];

  const save = form.onSubmit(async (input) => {
    // The server reads the rate's text itself: it goes back as the exact decimal the form read.
    const rate = rateDecimal(input.rate);
    await addRate.mutateAsync({ ...input, rate });
    void queryClient.invalidateQueries(trpc.exchange.rates.pathFilter());
    toast.success("Rate added", `1 ${input.fromCurrency} = ${rate} ${input.toCurrency}, fee ${formatBps(input.feeBps)}.`);
    form.reset(BLANK);
  });

  const currencySelect = (name: "fromCurrency" | "toCurrency", label: string) => (
    <Field label={label} name={name} error={errors[name]}>
      {(control) => (
        <Select {...control} value={values[name]} onChange={(event) => set(name, event.target.value)}>
          {codes.map((currency) => (
            <option key={currency.code} value={currency.code}>
              {currency.code} · {currency.name}
              {currency.active ? "" : " (inactive)"}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );

  return (
    <form onSubmit={save} noValidate className="grid gap-4 sm:grid-cols-2 lg:grid-cols-6 lg:items-end">
      {form.formError ? (
        <div className="sm:col-span-2 lg:col-span-6">
          <FormAlert>{form.formError}</FormAlert>
        </div>
      ) : null}
      {currencySelect("fromCurrency", "From")}
      {currencySelect("toCurrency", "To")}
      <Field label="Rate" name="rate" labelSuffix={`${values.toCurrency} per ${values.fromCurrency}`} error={errors.rate}>
        {(control) => <Input {...control} inputMode="decimal" placeholder="0.09" value={values.rate} onChange={(event) => set("rate", event.target.value)} />}
      </Field>
      <Field label="Fee (%)" name="feePercent" error={errors.feePercent}>
        {(control) => <Input {...control} inputMode="decimal" placeholder="2" value={values.feePercent} onChange={(event) => set("feePercent", event.target.value)} />}
      </Field>
      <Field label="Starts" name="startsAt" labelSuffix="blank: now" error={errors.startsAt}>
        {(control) => <Input {...control} type="datetime-local" value={values.startsAt} onChange={(event) => set("startsAt", event.target.value)} />}
      </Field>
      <Button type="submit" loading={form.pending}>
        Add rate
      </Button>
    </form>
  );
}

function columns(status: Map<bigint, Status>): Column<Row>[] {
  return [
    { key: "pair", header: "Pair", className: "font-medium", cell: (row) => `${row.fromCurrency} → ${row.toCurrency}`, sortValue: (row) => `${row.fromCurrency}>${row.toCurrency}` },
    { key: "rate", header: "Rate", className: "tabular-nums", cell: (row) => row.rateWords, sortValue: (row) => row.rateE8 },
    { key: "fee", header: "Fee", align: "right", className: "tabular-nums", cell: (row) => formatBps(row.feeBps), sortValue: (row) => row.feeBps },
    { key: "starts", header: "Starts", cell: (row) => dateFormat.format(row.effectiveFrom), sortValue: (row) => row.effectiveFrom.getTime() },
    { key: "by", header: "Added by", cell: (row) => row.createdBy?.displayName ?? "Seeded", sortValue: (row) => row.createdBy?.displayName ?? "" },
    { key: "status", header: "Status", cell: (row) => STATUS_BADGES[status.get(row.id) ?? "replaced"] },
  ];
}

/** The exchange-rate schedule: every version of every pair (rows are never edited) and a form to add one. */
export function ExchangeRates() {
  const trpc = useTRPC();
  const rates = useQuery(trpc.exchange.rates.queryOptions());
  const status = statusOf(rates.data ?? [], new Date());

  return (
    <div className="space-y-6">
      <Card aria-labelledby="new-exchange-rate-heading">
        <CardHeader
          id="new-exchange-rate-heading"
          title="Add a rate"
          description="How many units of one currency a unit of another buys, and the fee taken from the amount exchanged. A new rate applies to quotes from its start; quotes already given keep theirs."
        />
        <CardBody>
          <NewRateForm />
        </CardBody>
      </Card>
      <Card aria-labelledby="exchange-schedule-heading">
        <CardHeader id="exchange-schedule-heading" title="Schedule" />
        <CardBody>
          <DataTable
            bare
            rows={rates.data}
            failed={rates.isError ? { onRetry: () => void rates.refetch(), retrying: rates.isFetching } : null}
            columns={columns(status)}
            rowKey={(row) => row.id.toString()}
            caption="Exchange rates, latest start first"
            what="rates"
            empty={{ title: "No rates yet", description: "Members cannot exchange between currencies until a rate is set." }}
            filterText={(row) => `${row.fromCurrency} ${row.toCurrency} ${row.rateWords}`}
          />
        </CardBody>
      </Card>
    </div>
  );
}
