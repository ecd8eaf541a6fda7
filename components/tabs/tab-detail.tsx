"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { TabFigures } from "@/components/tabs/tab-figures";
import { chargeKindLabel, chargeStatusLabel, closeReasonText, owes, tabStatusLabel, tabStatusMeaning, tabStatusTone } from "@/components/tabs/tab-text";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormAlert } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits, formatMinor } from "@/server/domain/money";
import type { TabView } from "@/server/services/tabs";

const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** Every charge of the tab: captures of the card, and what another card paid after a failure. */
export function TabCharges({ tab }: { tab: TabView }) {
  if (tab.charges.length === 0) return <p className="text-sm text-muted">Nothing has been charged to the card yet.</p>;
  return (
    <Table aria-label="Charges">
      <TableHead>
        <tr>
          <TableHeaderCell>#</TableHeaderCell>
          <TableHeaderCell>Charge</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell className="text-right">Credits</TableHeaderCell>
          <TableHeaderCell className="text-right">Amount</TableHeaderCell>
          <TableHeaderCell>When</TableHeaderCell>
        </tr>
      </TableHead>
      <tbody>
        {tab.charges.map((charge) => {
          const status = chargeStatusLabel(charge.status);
          return (
            <TableRow key={charge.seq}>
              <TableCell className="tabular-nums">{charge.seq}</TableCell>
              <TableCell>
                {chargeKindLabel(charge.kind)}
                {charge.failure ? <span className="block text-xs text-red-700">{charge.failure}</span> : null}
              </TableCell>
              <TableCell>
                <Badge tone={status.tone}>{status.label}</Badge>
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatCredits(charge.credits)}</TableCell>
              <TableCell className="text-right font-semibold tabular-nums">{formatMinor(charge.amountMinor, tab.currency)}</TableCell>
              <TableCell className="whitespace-nowrap text-muted">{dateTimeFormat.format(charge.at)}</TableCell>
            </TableRow>
          );
        })}
      </tbody>
    </Table>
  );
}

/** "Pay with another card": a Checkout for what the tab owes; the processor's page brings the member back here. */
export function PayDueButton({ tabId, size }: { tabId: string; size?: "sm" | "md" }) {
  const trpc = useTRPC();
  const toast = useToast();
  const payDue = useMutation(trpc.tabs.payDue.mutationOptions());
  return (
    <Button
      size={size}
      loading={payDue.isPending}
      onClick={() =>
        payDue.mutate(
          { tabId },
          {
            onSuccess: ({ checkoutUrl }) => window.location.assign(checkoutUrl),
            onError: (error) => toast.error("The payment couldn't start", describeTrpcError(error).message),
          },
        )
      }
    >
      Pay with another card
    </Button>
  );
}

/** Why the card stopped and what the member can do, on the tab page and in the room. */
export function OwedNotice({ tab, action }: { tab: TabView; action?: React.ReactNode }) {
  const due = formatMinor(tab.due * tab.creditPriceMinor, tab.currency);
  return (
    <div role="alert" className="space-y-3 rounded-card border border-red-200 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-semibold">
        {tab.status === "WRITTEN_OFF" ? `${due} is still owed on this tab.` : `Your card was refused: ${due} is due.`}
      </p>
      {tab.failure ? <p>The card said: {tab.failure}</p> : null}
      <p>
        {tab.status === "WRITTEN_OFF"
          ? `${tab.stageName} wrote it off, but your spending on Tipmeter stays paused until you pay it.`
          : "The tab stopped and any show it paid for ended. Your spending is paused until you pay with another card."}
      </p>
      {action}
    </div>
  );
}

function CloseTab({ tab }: { tab: TabView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  // Told from the mutation itself, not from mutate(): the tab's realtime event usually moves it out of OPEN (and
  // this button away) before the close request answers, and mutate()'s callbacks don't run once it is gone.
  const close = useMutation(
    trpc.tabs.close.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.tabs.get.queryKey({ tabId: tab.id }), next);
        void queryClient.invalidateQueries(trpc.tabs.pathFilter());
        void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
        if (owes(next.status)) toast.error("Your card was refused", tabStatusMeaning(next.status));
        else toast.success("Tab closed", next.status === "CLOSED" ? "Your card was charged for what you spent." : tabStatusMeaning(next.status));
      },
      onError: (error) => toast.error("The tab didn't close", describeTrpcError(error).message),
    }),
  );
  return (
    <>
      <Button variant="secondary" onClick={() => setConfirming(true)}>
        Close tab
      </Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        pending={close.isPending}
        title="Close the tab?"
        description={`Your card is charged ${formatMinor((tab.accrued - tab.captured) * tab.creditPriceMinor, tab.currency)} for what is not charged yet, and the rest of the hold is released. A show it pays for ends.`}
        confirmLabel="Close tab"
        onConfirm={() => close.mutate({ tabId: tab.id }, { onSettled: () => setConfirming(false) })}
      />
    </>
  );
}

/**
 * The tab page's body (also the pay page's return): asks the processor once where the tab is (tabs.refresh), then
 * shows tabs.get, kept live by tab.updated. Status, figures, charges, and what the member can do now.
 */
export function TabDetail({ tabId, viewerId }: { tabId: string; viewerId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tabQuery = useQuery(trpc.tabs.get.queryOptions({ tabId }));
  const { mutate: refresh } = useMutation(trpc.tabs.refresh.mutationOptions());
  const refreshed = useRef(false);
  const mine = tabQuery.data?.memberId === viewerId;

  useEffect(() => {
    if (refreshed.current || !mine) return;
    refreshed.current = true;
    refresh({ tabId }, { onSuccess: (tab) => queryClient.setQueryData(trpc.tabs.get.queryKey({ tabId }), tab) });
  }, [mine, refresh, tabId, queryClient, trpc]);

  if (tabQuery.isError) return <QueryError what="this tab" onRetry={() => void tabQuery.refetch()} retrying={tabQuery.isFetching} />;
  const tab = tabQuery.data;
  if (!tab) {
    return (
      <div className="space-y-4" role="status">
        <span className="sr-only">Loading the tab…</span>
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }
  const reason = closeReasonText(tab.closeReason);
  return (
    <div className="space-y-6">
      {mine && owes(tab.status) ? <OwedNotice tab={tab} action={<PayDueButton tabId={tab.id} />} /> : null}
      {tab.status === "OPENING" ? (
        <FormAlert tone="info">Waiting for the card to be authorised. This page updates when it is.</FormAlert>
      ) : null}
      <Card aria-labelledby="tab-heading">
        <CardHeader
          id="tab-heading"
          title={`Card tab with ${tab.stageName}`}
          description={`${tabStatusMeaning(tab.status)}${reason && !owes(tab.status) ? ` Stopped: ${reason}.` : ""}`}
          action={
            <Badge tone={tabStatusTone(tab.status)}>
              <span data-testid="tab-status">{tabStatusLabel(tab.status)}</span>
            </Badge>
          }
        />
        <CardBody className="space-y-5">
          <TabFigures tab={tab} />
          <div className="flex flex-wrap items-center gap-3 text-sm text-muted">
            {tab.paymentMethodLabel ? <span>Card: {tab.paymentMethodLabel}</span> : null}
            {tab.openedAt ? <span>Opened {dateTimeFormat.format(tab.openedAt)}</span> : null}
            {tab.status === "OPEN" && tab.settleBy ? <span>Settled by {dateTimeFormat.format(tab.settleBy)} at the latest</span> : null}
            {tab.closedAt ? <span>Closed {dateTimeFormat.format(tab.closedAt)}</span> : null}
          </div>
          <div className="flex flex-wrap gap-2">
            {mine && tab.status === "OPEN" ? (
              <>
                <Link href={`/room/${tab.performerUsername}`} className="inline-flex h-10 items-center px-1 text-sm font-semibold text-accent-700 hover:underline">
                  Back to {tab.stageName}&apos;s room →
                </Link>
                <CloseTab tab={tab} />
              </>
            ) : null}
          </div>
        </CardBody>
      </Card>
      <Card aria-labelledby="tab-charges-heading">
        <CardHeader id="tab-charges-heading" title="Charges" description="One line per charge to a card; split tabs are charged in parts." />
        <CardBody>
          <TabCharges tab={tab} />
        </CardBody>
      </Card>
    </div>
  );
}

/** The member's tabs, newest first (tabs.history). */
export function TabHistory() {
  const trpc = useTRPC();
  const tabs = useQuery(trpc.tabs.history.queryOptions());
  if (tabs.isError) return <QueryError what="your tabs" onRetry={() => void tabs.refetch()} retrying={tabs.isFetching} />;
  if (!tabs.data) return <Skeleton className="h-40 w-full" />;
  if (tabs.data.length === 0) {
    return <EmptyState title="No card tabs yet" description="Open a card tab in a performer's room to pay as you go and be charged once at the end." />;
  }
  return (
    <Card>
      <Table aria-label="Your card tabs">
        <TableHead>
          <tr>
            <TableHeaderCell>Performer</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell className="text-right">Limit</TableHeaderCell>
            <TableHeaderCell className="text-right">Spent</TableHeaderCell>
            <TableHeaderCell className="text-right">Paid</TableHeaderCell>
            <TableHeaderCell>Opened</TableHeaderCell>
          </tr>
        </TableHead>
        <tbody>
          {tabs.data.map((tab) => (
            <TableRow key={tab.id}>
              <TableCell>
                <Link href={`/tabs/${tab.id}`} className="font-semibold text-accent-700 hover:underline">
                  {tab.stageName}
                </Link>
              </TableCell>
              <TableCell>
                <Badge tone={tabStatusTone(tab.status)}>{tabStatusLabel(tab.status)}</Badge>
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatMinor(tab.limitMinor, tab.currency)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCredits(tab.accrued)} credits</TableCell>
              <TableCell className="text-right tabular-nums">{formatMinor(tab.paidMinor, tab.currency)}</TableCell>
              <TableCell className="whitespace-nowrap text-muted">{dateTimeFormat.format(tab.openedAt ?? tab.createdAt)}</TableCell>
            </TableRow>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
