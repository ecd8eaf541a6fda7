"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { PAYOUT_METHOD_LABELS, canTransition } from "@/server/domain/payouts";
import { WithdrawalStatusBadge, WithdrawalTimeline, dateTimeFormat } from "./withdrawal-status";

/** The performer's withdrawals, newest first: amounts, status with its history, and cancel while requested. */
export function WithdrawalHistory() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const list = useQuery(trpc.payouts.withdrawals.list.queryOptions());
  const cancel = useMutation(trpc.payouts.withdrawals.cancel.mutationOptions());
  const [cancelling, setCancelling] = useState<{ id: string; credits: bigint } | null>(null);

  function confirmCancel() {
    if (!cancelling) return;
    cancel.mutate(
      { id: cancelling.id },
      {
        onSuccess: () => toast.success("Withdrawal cancelled", `${formatCredits(cancelling.credits)} credits are back in your available balance.`),
        onError: (error) => toast.error("Not cancelled", describeTrpcError(error).message),
        onSettled: () => {
          setCancelling(null);
          void queryClient.invalidateQueries(trpc.payouts.withdrawals.pathFilter());
          void queryClient.invalidateQueries(trpc.wallet.pathFilter());
        },
      },
    );
  }

  function body() {
    if (list.isError) return <QueryError what="your withdrawals" onRetry={() => void list.refetch()} retrying={list.isFetching} />;
    if (!list.data) {
      return (
        <div className="space-y-3 px-5 py-5" role="status">
          <span className="sr-only">Loading your withdrawals…</span>
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-2/3" />
        </div>
      );
    }
    if (list.data.length === 0) {
      return <EmptyState className="m-5" title="No withdrawals yet" description="Requests you make show here with every step they go through." />;
    }
    return (
      <Table>
        <caption className="sr-only">Your withdrawals, newest first</caption>
        <TableHead>
          <tr>
            <TableHeaderCell>Requested</TableHeaderCell>
            <TableHeaderCell className="text-right">Credits</TableHeaderCell>
            <TableHeaderCell className="text-right">You receive</TableHeaderCell>
            <TableHeaderCell>Method</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell>Last change</TableHeaderCell>
            <TableHeaderCell>
              <span className="sr-only">Actions</span>
            </TableHeaderCell>
          </tr>
        </TableHead>
        <tbody>
          {list.data.map((withdrawal) => (
            <TableRow key={withdrawal.id} className="align-top">
              <TableCell className="whitespace-nowrap">{dateTimeFormat.format(withdrawal.createdAt)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCredits(withdrawal.credits)}</TableCell>
              <TableCell className="text-right tabular-nums">
                {formatMinor(withdrawal.netMinor, withdrawal.currency)}
                <span className="block text-xs text-muted">fee {formatMinor(withdrawal.feeMinor, withdrawal.currency)}</span>
              </TableCell>
              <TableCell>{PAYOUT_METHOD_LABELS[withdrawal.method]}</TableCell>
              <TableCell>
                <details>
                  <summary className="cursor-pointer list-none">
                    <WithdrawalStatusBadge status={withdrawal.status} /> <span className="text-xs text-muted underline">history</span>
                  </summary>
                  <div className="mt-2">
                    <WithdrawalTimeline events={withdrawal.events} viewer="performer" />
                  </div>
                </details>
                {withdrawal.reason ? <p className="mt-1 max-w-xs text-xs text-muted">Reason: {withdrawal.reason}</p> : null}
                {withdrawal.reference ? <p className="mt-1 text-xs text-muted">Reference: {withdrawal.reference}</p> : null}
              </TableCell>
              <TableCell className="whitespace-nowrap text-muted">{dateTimeFormat.format(withdrawal.updatedAt)}</TableCell>
              <TableCell className="text-right">
                {canTransition(withdrawal.status, "CANCELLED", "performer") ? (
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => setCancelling({ id: withdrawal.id, credits: withdrawal.credits })}
                    aria-label={`Cancel the withdrawal of ${formatCredits(withdrawal.credits)} credits`}
                  >
                    Cancel
                  </Button>
                ) : null}
              </TableCell>
            </TableRow>
          ))}
        </tbody>
      </Table>
    );
  }

  return (
    <Card aria-labelledby="withdrawal-history-heading" className="overflow-hidden">
      <CardHeader id="withdrawal-history-heading" title="History" description="Every request with its status; open a status to see each step." />
      {body()}
      <ConfirmDialog
        open={cancelling !== null}
        onClose={() => setCancelling(null)}
        onConfirm={confirmCancel}
        pending={cancel.isPending}
        tone="danger"
        title="Cancel this withdrawal?"
        description={cancelling ? `${formatCredits(cancelling.credits)} credits go back to your available balance.` : undefined}
        confirmLabel="Cancel withdrawal"
      />
    </Card>
  );
}
