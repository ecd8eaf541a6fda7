"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { formatBps, percentToBps } from "@/components/commissions/rate-input";
import { useTRPC } from "@/components/providers/trpc";
import { SALE_KIND_LABELS, SALE_KINDS } from "@/components/sales/sale-kind";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
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

function NewRateForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const setRate = useMutation(trpc.commissions.set.mutationOptions());
  const [kind, setKind] = useState<SaleKind>("TIP");
  const [performerUsername, setPerformerUsername] = useState("");
  const [percent, setPercent] = useState("");
  const [startsAt, setStartsAt] = useState("");
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const performerShareBps = percentToBps(percent);
    if (performerShareBps === null) return setError("Enter the performer's share as a percentage from 0 to 100.");
    setError(null);
    setRate.mutate(
      {
        kind,
        performerShareBps,
        performerUsername: performerUsername.trim() || undefined,
        effectiveFrom: startsAt ? new Date(startsAt) : undefined,
      },
      {
        onSuccess: () => {
          void queryClient.invalidateQueries(trpc.commissions.list.pathFilter());
          toast.success("Rate saved", `${SALE_KIND_LABELS[kind]}: performers keep ${formatBps(performerShareBps)}${performerUsername.trim() ? ` (@${performerUsername.trim()})` : ""}.`);
          setPercent("");
          setPerformerUsername("");
          setStartsAt("");
        },
        onError: (failure) => setError(describeTrpcError(failure).message),
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5 lg:items-end">
      {error ? (
        <div className="sm:col-span-2 lg:col-span-5">
          <FormAlert>{error}</FormAlert>
        </div>
      ) : null}
      <Field label="Kind of sale" name="kind">
        {(control) => (
          <Select {...control} value={kind} onChange={(event) => setKind(event.target.value as SaleKind)}>
            {SALE_KINDS.map((value) => (
              <option key={value} value={value}>
                {SALE_KIND_LABELS[value]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Performer username" name="performerUsername" labelSuffix="blank: site default">
        {(control) => <Input {...control} value={performerUsername} onChange={(event) => setPerformerUsername(event.target.value)} />}
      </Field>
      <Field label="Performer's share (%)" name="percent">
        {(control) => <Input {...control} inputMode="decimal" value={percent} onChange={(event) => setPercent(event.target.value)} />}
      </Field>
      <Field label="Starts" name="startsAt" labelSuffix="blank: now">
        {(control) => <Input {...control} type="datetime-local" value={startsAt} onChange={(event) => setStartsAt(event.target.value)} />}
      </Field>
      <Button type="submit" loading={setRate.isPending}>
        Add rate
      </Button>
    </form>
  );
}

/** The commission schedule: every rate ever set (rows are never edited) and a form to add one. */
export function CommissionSchedule() {
  const trpc = useTRPC();
  const schedule = useQuery(trpc.commissions.list.queryOptions());

  function table() {
    if (schedule.isError) return <QueryError what="the schedule" onRetry={() => void schedule.refetch()} retrying={schedule.isFetching} />;
    if (!schedule.data) {
      return (
        <div className="space-y-3" role="status">
          <span className="sr-only">Loading the schedule…</span>
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-2/3" />
        </div>
      );
    }
    if (schedule.data.length === 0) {
      return <EmptyState className="border-none" title="No rates yet" description="Sales are refused until a default rate is set for their kind." />;
    }
    const status = statusOf(schedule.data, new Date());
    return (
      <div className="overflow-x-auto">
        <Table>
          <caption className="sr-only">Commission rates, latest start first</caption>
          <TableHead>
            <tr>
              <TableHeaderCell>Kind</TableHeaderCell>
              <TableHeaderCell>Applies to</TableHeaderCell>
              <TableHeaderCell className="text-right">Performer&apos;s share</TableHeaderCell>
              <TableHeaderCell>Starts</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
            </tr>
          </TableHead>
          <tbody>
            {schedule.data.map((row) => (
              <TableRow key={row.id.toString()}>
                <TableCell className="font-medium">{SALE_KIND_LABELS[row.kind]}</TableCell>
                <TableCell>{row.performerId ? `${row.performerStageName ?? "Performer"} (@${row.performerUsername ?? "?"})` : "Site default"}</TableCell>
                <TableCell className="text-right tabular-nums">{formatBps(row.performerShareBps)}</TableCell>
                <TableCell>{dateFormat.format(row.effectiveFrom)}</TableCell>
                <TableCell>{STATUS_BADGES[status.get(row.id) ?? "replaced"]}</TableCell>
              </TableRow>
            ))}
          </tbody>
        </Table>
      </div>
    );
  }

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
        <CardBody>{table()}</CardBody>
      </Card>
    </div>
  );
}
