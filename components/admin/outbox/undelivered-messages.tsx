"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeTrpcError } from "@/components/auth/form-errors";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
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

const columns: Column<UndeliveredMessage>[] = [
  {
    key: "message",
    header: "Message",
    className: "align-top",
    sortValue: (message) => message.createdAt.getTime(),
    cell: (message) => (
      <>
        <p className="font-medium text-fg">{KIND_LABELS[message.kind] ?? message.kind}</p>
        <p className="font-mono text-xs break-all text-muted">{message.key}</p>
        <p className="text-xs text-muted">Written {timeFormat.format(message.createdAt)}</p>
      </>
    ),
  },
  { key: "to", header: "To", className: "align-top break-all", sortValue: (message) => message.target, cell: (message) => message.target },
  {
    key: "state",
    header: "State",
    className: "align-top whitespace-nowrap",
    sortValue: (message) => message.state === "dead",
    cell: (message) => (
      <>
        {message.state === "dead" ? <Badge tone="danger">Given up</Badge> : <Badge tone="warning">Retrying</Badge>}
        <p className="mt-1 text-xs text-muted">
          {message.attempts} of {message.maxAttempts} tries
          {message.nextTryAt ? `, next ${timeFormat.format(message.nextTryAt)}` : ""}
        </p>
      </>
    ),
  },
  { key: "error", header: "Last error", className: "max-w-[20rem] align-top text-sm break-words", cell: (message) => message.lastError ?? "—" },
  { key: "actions", header: "Actions", hiddenHeader: true, align: "right", className: "align-top", cell: (message) => <RetryButton message={message} /> },
];

/** Emails and live updates that failed to go out: still retrying, or given up on and waiting for an admin. */
export function UndeliveredMessages() {
  const trpc = useTRPC();
  const messages = useQuery(trpc.outbox.undelivered.queryOptions(undefined, { refetchInterval: 15_000 }));
  return (
    <DataTable
      rows={messages.data}
      failed={messages.isError && !messages.data ? { onRetry: () => void messages.refetch(), retrying: messages.isFetching } : null}
      columns={columns}
      rowKey={(message) => message.id.toString()}
      caption="Undelivered messages, given-up ones first"
      what="undelivered messages"
      empty={{ title: "Everything went out", description: "Emails and live updates that fail to send show here, with why, until they are delivered." }}
      filterText={(message) => [KIND_LABELS[message.kind] ?? message.kind, message.key, message.target, message.lastError ?? ""].join(" ")}
      tableClassName="min-w-[56rem]"
      rowClassName="align-top"
    />
  );
}
