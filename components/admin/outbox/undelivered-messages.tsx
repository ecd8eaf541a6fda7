"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import type { UndeliveredMessage } from "@/server/outbox/admin";

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

const KIND_LABELS: Record<string, string> = { email: "Email", realtime: "Live update", "wallet-update": "Wallet update" };

function RetryButton({ message }: { message: UndeliveredMessage }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const retry = useMutation(
    trpc.outbox.retry.mutationOptions({
      onSuccess: () => {
        toast.success("Sending again", `${KIND_LABELS[message.kind] ?? message.kind} to ${message.target} is queued now.`);
        void queryClient.invalidateQueries(trpc.outbox.undelivered.pathFilter());
      },
      onError: (error) => toast.error("That didn't work", describeTrpcError(error).message),
    }),
  );
  return (
    <Button size="sm" variant="secondary" loading={retry.isPending} onClick={() => retry.mutate({ id: message.id })}>
      Send again
    </Button>
  );
}

/** Emails and live updates that failed to go out: still retrying, or given up on and waiting for an admin. */
export function UndeliveredMessages() {
  const trpc = useTRPC();
  const messages = useQuery(trpc.outbox.undelivered.queryOptions(undefined, { refetchInterval: 15_000 }));

  if (messages.isError && !messages.data) return <QueryError what="the undelivered messages" onRetry={() => void messages.refetch()} retrying={messages.isFetching} />;
  if (!messages.data) {
    return (
      <div className="space-y-3 rounded-card border border-line bg-surface p-5 shadow-card" role="status">
        <span className="sr-only">Loading…</span>
        {Array.from({ length: 3 }, (_, index) => (
          <Skeleton key={index} className="h-5 w-full" />
        ))}
      </div>
    );
  }
  if (messages.data.length === 0) {
    return <EmptyState title="Everything went out" description="Emails and live updates that fail to send show here, with why, until they are delivered." />;
  }
  return (
    <div className="overflow-x-auto rounded-card border border-line bg-surface shadow-card">
      <Table className="min-w-[56rem]">
        <caption className="sr-only">Undelivered messages, given-up ones first</caption>
        <TableHead>
          <tr>
            <TableHeaderCell>Message</TableHeaderCell>
            <TableHeaderCell>To</TableHeaderCell>
            <TableHeaderCell>State</TableHeaderCell>
            <TableHeaderCell>Last error</TableHeaderCell>
            <TableHeaderCell>
              <span className="sr-only">Actions</span>
            </TableHeaderCell>
          </tr>
        </TableHead>
        <tbody>
          {messages.data.map((message) => (
            <TableRow key={message.id.toString()} className="align-top">
              <TableCell className="align-top">
                <p className="font-medium text-fg">{KIND_LABELS[message.kind] ?? message.kind}</p>
                <p className="font-mono text-xs break-all text-muted">{message.key}</p>
                <p className="text-xs text-muted">Written {timeFormat.format(message.createdAt)}</p>
              </TableCell>
              <TableCell className="align-top break-all">{message.target}</TableCell>
              <TableCell className="align-top whitespace-nowrap">
                {message.state === "dead" ? <Badge tone="danger">Given up</Badge> : <Badge tone="warning">Retrying</Badge>}
                <p className="mt-1 text-xs text-muted">
                  {message.attempts} of {message.maxAttempts} tries
                  {message.nextTryAt ? `, next ${timeFormat.format(message.nextTryAt)}` : ""}
                </p>
              </TableCell>
              <TableCell className="max-w-[20rem] align-top text-sm break-words">{message.lastError ?? "—"}</TableCell>
              <TableCell className="align-top text-right">
                <RetryButton message={message} />
              </TableCell>
            </TableRow>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
