"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import type { AppRouter } from "@/server/api/root";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { PAYOUT_METHOD_LABELS, type PayoutDetailLine, canTransition } from "@/server/domain/payouts";
import type { WithdrawalFilters } from "@/server/services/payouts";
import { WithdrawalStatusBadge, WithdrawalTimeline, dateTimeFormat } from "./withdrawal-status";

interface Target {
  ids: string[];
  /** "the withdrawal of 1,000 credits by Luna Vale", or "3 withdrawals". */
  subject: string;
}

type QueueRow = inferRouterOutputs<AppRouter>["payouts"]["admin"]["queue"][number];

type Dialog = { kind: "approve" | "reject" | "pay"; target: Target } | null;

/** Sensitive values masked until the admin reveals them; each reveal is written to the audit log. */
function PayoutDetails({ withdrawalId, lines }: { withdrawalId: string; lines: PayoutDetailLine[] }) {
  const trpc = useTRPC();
  const toast = useToast();
  const reveal = useMutation(trpc.payouts.admin.revealDetails.mutationOptions());
  const shown = reveal.data ?? lines;
  const masked = shown.some((line) => line.masked);
  return (
    <div className="space-y-1 text-xs">
      <dl className="grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5">
        {shown.map((line) => (
          <div key={line.key} className="contents">
            <dt className="text-muted">{line.label}</dt>
            <dd className="font-mono wrap-anywhere">{line.value}</dd>
          </div>
        ))}
      </dl>
      {masked ? (
        <button
          type="button"
          className="font-medium text-accent-700 underline hover:text-accent-800"
          onClick={() => reveal.mutate({ id: withdrawalId }, { onError: (error) => toast.error("Not revealed", describeTrpcError(error).message) })}
          disabled={reveal.isPending}
        >
          Reveal (audited)
        </button>
      ) : null}
    </div>
  );
}

/**
 * The admin withdrawal queue: filtered in the URL, approve or reject one or many, mark manual payouts paid with
 * a reference, send a Stripe payout again. After each action the list and the navigation badge refresh.
 */
export function WithdrawalQueue({ filters }: { filters: WithdrawalFilters }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const queue = useQuery(trpc.payouts.admin.queue.queryOptions(filters));
  const approve = useMutation(trpc.payouts.admin.approveMany.mutationOptions());
  const reject = useMutation(trpc.payouts.admin.rejectMany.mutationOptions());
  const markPaid = useMutation(trpc.payouts.admin.markPaid.mutationOptions());
  const retry = useMutation(trpc.payouts.admin.retryPayout.mutationOptions());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog>(null);
  const [text, setText] = useState("");
  const [textError, setTextError] = useState<string | null>(null);

  const rows = queue.data ?? [];
  const selectable = rows.filter((row) => canTransition(row.status, "REJECTED", "admin"));
  const chosen = selectable.filter((row) => selected.has(row.id));
  const pending = approve.isPending || reject.isPending || markPaid.isPending;

  function refresh() {
    setSelected(new Set());
    void queryClient.invalidateQueries(trpc.payouts.pathFilter());
    router.refresh();
  }

  function open(next: Exclude<Dialog, null>) {
    setText("");
    setTextError(null);
    setDialog(next);
  }

  function close() {
    setDialog(null);
    setText("");
    setTextError(null);
  }

  type Outcome = { id: string; ok: true; payoutError: string | null } | { id: string; ok: false; error: string };

  function report(verb: string, outcomes: Outcome[]) {
    const done = outcomes.filter((outcome) => outcome.ok).length;
    const failures = outcomes.flatMap((outcome) => (outcome.ok ? (outcome.payoutError ? [outcome.payoutError] : []) : [outcome.error]));
    if (done > 0) toast.success(`${done === 1 ? "Withdrawal" : `${done} withdrawals`} ${verb}`);
    for (const failure of [...new Set(failures)]) toast.error(done > 0 ? "Some need attention" : `Not ${verb}`, failure);
  }

  function confirm() {
    if (!dialog) return;
    const { ids } = dialog.target;
    if (dialog.kind === "approve") {
      approve.mutate({ ids }, { onSuccess: (outcomes) => report("approved", outcomes), onError: failed("Not approved"), onSettled: settle });
    } else if (dialog.kind === "reject") {
      if (text.trim().length < 3) return setTextError("Tell the performer why, in a few words.");
      reject.mutate({ ids, reason: text.trim() }, { onSuccess: (outcomes) => report("rejected", outcomes), onError: failed("Not rejected"), onSettled: settle });
    } else {
      if (text.trim().length < 2) return setTextError("Enter the payment's reference (PayPal transaction id, bank reference).");
      markPaid.mutate(
        { id: ids[0] ?? "", reference: text.trim() },
        { onSuccess: () => toast.success("Marked paid", "The performer is emailed with your reference."), onError: failed("Not marked paid"), onSettled: settle },
      );
    }
  }

  function failed(title: string) {
    return (error: unknown) => toast.error(title, describeTrpcError(error).message);
  }

  function settle() {
    close();
    refresh();
  }

  function sendAgain(id: string) {
    retry.mutate(
      { id },
      { onSuccess: () => toast.success("Payout sent to Stripe"), onError: failed("Stripe payout not sent"), onSettled: refresh },
    );
  }

  function toggle(id: string) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  const many: Target = { ids: chosen.map((row) => row.id), subject: `${chosen.length} withdrawal${chosen.length === 1 ? "" : "s"}` };
  const allChosen = selectable.length > 0 && chosen.length === selectable.length;
  const nameOf = (row: QueueRow) => row.performer.stageName ?? row.performer.displayName;
  const targetOf = (row: QueueRow): Target => ({ ids: [row.id], subject: `the withdrawal of ${formatCredits(row.credits)} credits by ${nameOf(row)}` });

  const columns: Column<QueueRow>[] = [
    {
      key: "select",
      header: "Select",
      className: "w-10",
      headerCell: (
        <input
          type="checkbox"
          aria-label="Select every withdrawal that can be approved or rejected"
          checked={allChosen}
          disabled={selectable.length === 0}
          onChange={() => setSelected(allChosen ? new Set() : new Set(selectable.map((row) => row.id)))}
        />
      ),
      cell: (row) =>
        canTransition(row.status, "REJECTED", "admin") ? (
          <input type="checkbox" aria-label={`Select ${targetOf(row).subject}`} checked={selected.has(row.id)} onChange={() => toggle(row.id)} />
        ) : null,
    },
    { key: "requested", header: "Requested", className: "whitespace-nowrap", sortValue: (row) => row.createdAt.getTime(), cell: (row) => dateTimeFormat.format(row.createdAt) },
    {
      key: "performer",
      header: "Performer",
      sortValue: nameOf,
      cell: (row) => (
        <>
          <p className="font-medium">
            <Link href={`/admin/users/${row.performerId}`} className="hover:text-accent-700 hover:underline">
              {nameOf(row)}
            </Link>
          </p>
          <p className="text-xs text-muted">
            @{row.performer.username} · {row.performer.email}
          </p>
        </>
      ),
    },
    { key: "credits", header: "Credits", align: "right", className: "tabular-nums", sortValue: (row) => row.credits, cell: (row) => formatCredits(row.credits) },
    {
      key: "net",
      header: "Net (fee)",
      align: "right",
      className: "whitespace-nowrap tabular-nums",
      cell: (row) => (
        <>
          {formatMinor(row.netMinor, row.currency)}
          <span className="block text-xs text-muted">({formatMinor(row.feeMinor, row.currency)})</span>
        </>
      ),
    },
    {
      key: "payTo",
      header: "Pay to",
      className: "max-w-72",
      sortValue: (row) => PAYOUT_METHOD_LABELS[row.method],
      cell: (row) => (
        <>
          <p className="mb-1 text-xs font-semibold">{PAYOUT_METHOD_LABELS[row.method]}</p>
          <PayoutDetails withdrawalId={row.id} lines={row.details} />
        </>
      ),
    },
    {
      key: "status",
      header: "Status",
      sortValue: (row) => row.status,
      cell: (row) => (
        <>
          <details>
            <summary className="cursor-pointer list-none">
              <WithdrawalStatusBadge status={row.status} /> <span className="text-xs text-muted underline">history</span>
            </summary>
            <div className="mt-2 min-w-56">
              <WithdrawalTimeline events={row.events} viewer="admin" />
            </div>
          </details>
          {row.reference ? <p className="mt-1 text-xs text-muted">Ref. {row.reference}</p> : null}
          {row.reason ? <p className="mt-1 max-w-48 text-xs text-muted">{row.reason}</p> : null}
        </>
      ),
    },
    {
      key: "actions",
      header: "Actions",
      hiddenHeader: true,
      cell: (row) => {
        const target = targetOf(row);
        return (
          <div className="flex flex-wrap justify-end gap-2">
            {canTransition(row.status, "APPROVED", "admin") ? (
              <Button size="sm" onClick={() => open({ kind: "approve", target })} aria-label={`Approve ${target.subject}`}>
                Approve
              </Button>
            ) : null}
            {canTransition(row.status, "PAID", "admin") && (row.method !== "STRIPE_CONNECT" || row.status === "NEEDS_RECONCILIATION") ? (
              <Button size="sm" onClick={() => open({ kind: "pay", target })} aria-label={`Mark ${target.subject} paid`}>
                Mark paid
              </Button>
            ) : null}
            {row.awaitingStripePayout ? (
              <Button size="sm" onClick={() => sendAgain(row.id)} loading={retry.isPending && retry.variables?.id === row.id}>
                Send payout
              </Button>
            ) : null}
            {canTransition(row.status, "REJECTED", "admin") ? (
              <Button size="sm" variant="secondary" className="text-red-700" onClick={() => open({ kind: "reject", target })} aria-label={`Reject ${target.subject}`}>
                Reject
              </Button>
            ) : null}
          </div>
        );
      },
    },
  ];

  return (
    <>
      <DataTable
        rows={queue.data}
        failed={queue.isError ? { onRetry: () => void queue.refetch(), retrying: queue.isFetching } : null}
        columns={columns}
        rowKey={(row) => row.id}
        caption="Withdrawals"
        what="withdrawals"
        empty={{ title: "No withdrawals here", description: "Nothing matches these filters. Requests appear as performers make them." }}
        filterText={(row) => [nameOf(row), row.performer.username, row.performer.email, row.reference ?? ""].join(" ")}
        tableClassName="min-w-[64rem]"
        rowClassName="align-top"
        toolbar={
          <div className="flex flex-wrap items-center gap-2 border-b border-line px-5 py-3 text-sm sm:px-6">
            <span className="mr-auto text-muted">{chosen.length > 0 ? `${chosen.length} selected` : `${rows.length} shown`}</span>
            <Button size="sm" disabled={chosen.length === 0} onClick={() => open({ kind: "approve", target: many })}>
              Approve selected
            </Button>
            <Button size="sm" variant="secondary" className="text-red-700" disabled={chosen.length === 0} onClick={() => open({ kind: "reject", target: many })}>
              Reject selected
            </Button>
          </div>
        }
      />

      <ConfirmDialog
        open={dialog !== null}
        onClose={close}
        onConfirm={confirm}
        pending={pending}
        tone={dialog?.kind === "reject" ? "danger" : "primary"}
        title={
          dialog?.kind === "approve"
            ? `Approve ${dialog.target.subject}?`
            : dialog?.kind === "reject"
              ? `Reject ${dialog.target.subject}?`
              : `Mark ${dialog?.target.subject ?? "it"} paid?`
        }
        description={
          dialog?.kind === "approve"
            ? "Stripe withdrawals are paid out at once; the others wait for you to pay them and mark them paid."
            : dialog?.kind === "reject"
              ? "The held credits go back to the performer, who is emailed your reason."
              : "Do this after you sent the money. The held credits leave for payout clearing and the performer is emailed."
        }
        confirmLabel={dialog?.kind === "approve" ? "Approve" : dialog?.kind === "reject" ? "Reject" : "Mark paid"}
      >
        {dialog?.kind === "reject" ? (
          <Field label="Reason for the performer" name="reason" error={textError}>
            {(control) => (
              <Textarea
                {...control}
                rows={3}
                value={text}
                onChange={(event) => {
                  setText(event.target.value);
                  setTextError(null);
                }}
              />
            )}
          </Field>
        ) : null}
        {dialog?.kind === "pay" ? (
          <Field label="Payment reference" name="reference" error={textError} hint="The PayPal transaction id or bank transfer reference.">
            {(control) => (
              <Input
                {...control}
                value={text}
                onChange={(event) => {
                  setText(event.target.value);
                  setTextError(null);
                }}
              />
            )}
          </Field>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
