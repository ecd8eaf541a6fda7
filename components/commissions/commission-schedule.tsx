"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { formatBps, percentToBps } from "@/components/commissions/rate-input";
import { type Column, DataTable } from "@/components/kit/data-table";
import { textAs } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { SALE_KIND_LABELS, SALE_KINDS } from "@/components/sales/sale-kind";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { SALE_KINDS as RATE_KINDS, setCommissionRateSchema } from "@/server/domain/commission-schedule";
import type { SaleKind } from "@/server/generated/prisma/enums";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

interface Row {
  id: bigint;
  kind: SaleKind;
  performerId: string | null;
  performerUsername: string | null;
  performerStageName: string | null;
  performerShareBps: number;
  effectiveFrom: Date;
}

/** Rows arrive newest effective-from first, so the first started row of each kind and performer is in effect. */
function statusOf(rows: Row[], now: Date): Map<bigint, "in effect" | "scheduled" | "replaced"> {
  const seen = new Set<string>();
  const status = new Map<bigint, "in effect" | "scheduled" | "replaced">();
  for (const row of rows) {
    const group = `${row.kind}:${row.performerId ?? ""}`;
    if (row.effectiveFrom > now) status.set(row.id, "scheduled");
    else if (seen.has(group)) status.set(row.id, "replaced");
    else {
      seen.add(group);
      status.set(row.id, "in effect");
    }
  }
  return status;
}

const STATUS_BADGES = {
  "in effect": <Badge tone="success">In effect</Badge>,
  scheduled: <Badge tone="info">Scheduled</Badge>,
  replaced: <Badge>Replaced</Badge>,
} as const;

/** The new-rate form read into the tRPC input: blanks mean "site default" and "from now". */
const rateFormSchema = z
  .object({
    kind: z.enum(RATE_KINDS),
    performerUsername: z.string(),
    percent: textAs(percentToBps, "Enter the performer's share as a percentage from 0 to 100."),
    startsAt: z.string(),
  })
  .transform(({ kind, performerUsername, percent, startsAt }): z.input<typeof setCommissionRateSchema> => ({
    kind,
    performerShareBps: percent,
    performerUsername: performerUsername.trim() || undefined,
    effectiveFrom: startsAt ? new Date(startsAt) : undefined,
  }))
  .pipe(setCommissionRateSchema);

const BLANK_RATE = { performerUsername: "", percent: "", startsAt: "" };

function NewRateForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const setRate = useMutation(trpc.commissions.set.mutationOptions());
  const form = useZodForm({
    schema: rateFormSchema,
    initial: { kind: "TIP" as SaleKind, ...BLANK_RATE },
    aliases: { performerShareBps: "percent", effectiveFrom: "startsAt" },
  });
  const { values, errors, set } = form;

  const save = form.onSubmit(async (input) => {
    await setRate.mutateAsync(input);
    void queryClient.invalidateQueries(trpc.commissions.list.pathFilter());
    const who = input.performerUsername ? ` (@${input.performerUsername})` : "";
    toast.success("Rate saved", `${SALE_KIND_LABELS[input.kind]}: performers keep ${formatBps(input.performerShareBps)}${who}.`);
    form.reset(BLANK_RATE);
  });

  return (
    <form onSubmit={save} noValidate className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5 lg:items-end">
      {form.formError ? (
        <div className="sm:col-span-2 lg:col-span-5">
          <FormAlert>{form.formError}</FormAlert>
        </div>
      ) : null}
      <Field label="Kind of sale" name="kind" error={errors.kind}>
        {(control) => (
          <Select {...control} value={values.kind} onChange={(event) => set("kind", event.target.value as SaleKind)}>
            {SALE_KINDS.map((value) => (
              <option key={value} value={value}>
                {SALE_KIND_LABELS[value]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Performer username" name="performerUsername" labelSuffix="blank: site default" error={errors.performerUsername}>
        {(control) => <Input {...control} value={values.performerUsername} onChange={(event) => set("performerUsername", event.target.value)} />}
      </Field>
      <Field label="Performer's share (%)" name="percent" error={errors.percent}>
        {(control) => <Input {...control} inputMode="decimal" value={values.percent} onChange={(event) => set("percent", event.target.value)} />}
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

function scheduleColumns(status: Map<bigint, keyof typeof STATUS_BADGES>): Column<Row>[] {
  return [
    { key: "kind", header: "Kind", className: "font-medium", cell: (row) => SALE_KIND_LABELS[row.kind], sortValue: (row) => SALE_KIND_LABELS[row.kind] },
    {
      key: "appliesTo",
      header: "Applies to",
      cell: (row) => (row.performerId ? `${row.performerStageName ?? "Performer"} (@${row.performerUsername ?? "?"})` : "Site default"),
      sortValue: (row) => row.performerStageName,
    },
    { key: "share", header: "Performer's share", align: "right", className: "tabular-nums", cell: (row) => formatBps(row.performerShareBps), sortValue: (row) => row.performerShareBps },
    { key: "starts", header: "Starts", cell: (row) => dateFormat.format(row.effectiveFrom), sortValue: (row) => row.effectiveFrom.getTime() },
    { key: "status", header: "Status", cell: (row) => STATUS_BADGES[status.get(row.id) ?? "replaced"] },
  ];
}

/** The commission schedule: every rate ever set (rows are never edited) and a form to add one. */
export function CommissionSchedule() {
  const trpc = useTRPC();
  const schedule = useQuery(trpc.commissions.list.queryOptions());
  const status = statusOf(schedule.data ?? [], new Date());

  return (
    <div className="space-y-6">
      <Card aria-labelledby="new-rate-heading">
        <CardHeader
          id="new-rate-heading"
          title="Add a rate"
          description="A new rate applies to sales from its start; past sales keep the rate they were posted with. A performer's own rate overrides the site default."
        />
        <CardBody>
          <NewRateForm />
        </CardBody>
      </Card>
      <Card aria-labelledby="schedule-heading">
        <CardHeader id="schedule-heading" title="Schedule" />
        <CardBody>
          <DataTable
            bare
            rows={schedule.data}
            failed={schedule.isError ? { onRetry: () => void schedule.refetch(), retrying: schedule.isFetching } : null}
            columns={scheduleColumns(status)}
            rowKey={(row) => row.id.toString()}
            caption="Commission rates, latest start first"
            what="rates"
            empty={{ title: "No rates yet", description: "Sales are refused until a default rate is set for their kind." }}
            filterText={(row) => `${SALE_KIND_LABELS[row.kind]} ${row.performerStageName ?? "Site default"} ${row.performerUsername ?? ""}`}
          />
        </CardBody>
      </Card>
    </div>
  );
}
