"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { tabStatusLabel, tabStatusTone, writeOffBearerText } from "@/components/tabs/tab-text";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { formatCredits, formatMinor } from "@/server/domain/money";
import type { TabView } from "@/server/services/tabs";

type Viewer = "performer" | "admin";

export function FinaliseButton({ tab }: { tab: TabView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const finalise = useMutation(trpc.tabs.finalise.mutationOptions());
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setConfirming(true)}>
        Finalise
      </Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        pending={finalise.isPending}
        title={`Finalise ${tab.memberName}'s tab?`}
        description="The tab stops now: the member's card is charged for what it accrued and the rest of the hold is released. A show it pays for ends."
        confirmLabel="Finalise"
        onConfirm={() =>
          finalise.mutate(
            { tabId: tab.id },
            {
              onSuccess: () => {
                setConfirming(false);
                void queryClient.invalidateQueries(trpc.tabs.pathFilter());
                toast.success("Tab finalised", `${tab.memberName}'s card was charged for what the tab accrued.`);
              },
              onError: (error) => {
                setConfirming(false);
                toast.error("The tab wasn't finalised", describeTrpcError(error).message);
              },
            },
          )
        }
      />
    </>
  );
}

export function WriteOffButton({ tab, viewer, bearer }: { tab: TabView; viewer: Viewer; bearer: "PLATFORM" | "PERFORMER" | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const writeOff = useMutation(trpc.tabs.writeOff.mutationOptions());
  const [confirming, setConfirming] = useState(false);
  const due = formatMinor(tab.due * tab.creditPriceMinor, tab.currency);
  return (
    <>
      <Button size="sm" variant="danger" onClick={() => setConfirming(true)}>
        {viewer === "performer" ? "Hang up anyway" : "Write off"}
      </Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        pending={writeOff.isPending}
        tone="danger"
        title={`Write off ${due}?`}
        description={
          <div className="space-y-2">
            <p>{tab.memberName}&apos;s card was refused and the tab owes {due} ({formatCredits(tab.due)} credits).</p>
            {bearer ? <p className="font-semibold text-fg">{writeOffBearerText(bearer, viewer)}</p> : null}
            <p>{tab.memberName} stays restricted (no spending, no new tab) until they pay it with another card.</p>
          </div>
        }
        confirmLabel={viewer === "performer" ? "Hang up anyway" : "Write off"}
        onConfirm={() =>
          writeOff.mutate(
            { tabId: tab.id },
            {
              onSuccess: () => {
                setConfirming(false);
                void queryClient.invalidateQueries(trpc.tabs.pathFilter());
                toast.success("Written off", `${tab.memberName}'s unpaid ${due} was written off.`);
              },
              onError: (error) => {
                setConfirming(false);
                toast.error("It wasn't written off", describeTrpcError(error).message);
              },
            },
          )
        }
      />
    </>
  );
}

/**
 * Tabs as a performer or an admin sees them: who, status, limit, spent, left, what cards paid (its captures, or
 * another card after a failure), what is still due, and what they can do.
 */
export function TabsTable({ tabs, viewer, bearer, label }: { tabs: TabView[]; viewer: Viewer; bearer: "PLATFORM" | "PERFORMER" | undefined; label: string }) {
  return (
    <Table aria-label={label}>
      <TableHead>
        <tr>
          <TableHeaderCell>Member</TableHeaderCell>
          {viewer === "admin" ? <TableHeaderCell>Performer</TableHeaderCell> : null}
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell className="text-right">Limit</TableHeaderCell>
          <TableHeaderCell className="text-right">Spent (credits)</TableHeaderCell>
          <TableHeaderCell className="text-right">Left (credits)</TableHeaderCell>
          <TableHeaderCell className="text-right">Paid by card</TableHeaderCell>
          <TableHeaderCell className="text-right">Due</TableHeaderCell>
          <TableHeaderCell>
            <span className="sr-only">Actions</span>
          </TableHeaderCell>
        </tr>
      </TableHead>
      <tbody>
        {tabs.map((tab) => (
          <TableRow key={tab.id} data-testid={`tab-${tab.id}`}>
            <TableCell className="font-semibold">{tab.memberName}</TableCell>
            {viewer === "admin" ? <TableCell>{tab.stageName}</TableCell> : null}
            <TableCell>
              <Badge tone={tabStatusTone(tab.status)}>{tabStatusLabel(tab.status)}</Badge>
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatMinor(tab.limitMinor, tab.currency)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCredits(tab.accrued)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCredits(tab.left)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatMinor(tab.paidMinor, tab.currency)}</TableCell>
            <TableCell className="text-right tabular-nums">{tab.due > 0n ? formatMinor(tab.due * tab.creditPriceMinor, tab.currency) : "—"}</TableCell>
            <TableCell className="text-right">
              {tab.status === "OPEN" ? <FinaliseButton tab={tab} /> : null}
              {tab.status === "PAYMENT_DUE" ? <WriteOffButton tab={tab} viewer={viewer} bearer={bearer} /> : null}
            </TableCell>
          </TableRow>
        ))}
      </tbody>
    </Table>
  );
}
