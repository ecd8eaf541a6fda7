"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { formatCredits, formatMinor } from "@/server/domain/money";
import type { StoreOrderStatus } from "@/server/generated/prisma/enums";

export interface ActionableOrder {
  id: string;
  title: string;
  total: bigint;
  walletPart: bigint;
  cardPart: bigint;
  cardAmountMinor: bigint;
  currency: string | null;
  nextStatuses: StoreOrderStatus[];
  canCancel: boolean;
}

type Action = "SHIPPED" | "DELIVERED" | "REFUNDED" | "CANCELLED";

function refundSummary(order: ActionableOrder): string {
  const parts = [order.walletPart > 0n ? `${formatCredits(order.walletPart)} credits go back to the buyer's wallet` : null];
  if (order.cardPart > 0n && order.currency) parts.push(`${formatMinor(order.cardAmountMinor, order.currency)} is refunded to their card`);
  return `${parts.filter(Boolean).join(" and ")}. Your share of the sale is taken back and the stock restored.`;
}

/**
 * The moves the viewer may make on an order, as the server computed them: ship (with a tracking note), mark
 * delivered, refund (with a reason), or cancel an order still waiting for its card payment. Each asks first.
 */
export function OrderActions({ order, size = "sm" }: { order: ActionableOrder; size?: "sm" | "md" }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState<Action | null>(null);
  const [note, setNote] = useState("");
  const changeStatus = useMutation(trpc.store.changeStatus.mutationOptions());
  const refund = useMutation(trpc.store.refund.mutationOptions());
  const cancel = useMutation(trpc.store.cancel.mutationOptions());
  const pending = changeStatus.isPending || refund.isPending || cancel.isPending;

  const actions: Action[] = [
    ...order.nextStatuses.filter((status): status is Action => status === "SHIPPED" || status === "DELIVERED" || status === "REFUNDED"),
    ...(order.canCancel ? (["CANCELLED"] as const) : []),
  ];
  if (actions.length === 0) return null;

  async function run(action: Action) {
    const trimmed = note.trim() || undefined;
    try {
      if (action === "REFUNDED") await refund.mutateAsync({ orderId: order.id, reason: trimmed });
      else if (action === "CANCELLED") await cancel.mutateAsync({ orderId: order.id });
      else await changeStatus.mutateAsync({ orderId: order.id, status: action, note: trimmed });
    } catch (error) {
      setOpen(null);
      toast.error("Order not updated", describeTrpcError(error).message);
      return;
    }
    setOpen(null);
    setNote("");
    await queryClient.invalidateQueries(trpc.store.pathFilter());
    await queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
    toast.success(DONE[action], order.title);
  }

  const dialog = open ? DIALOGS[open] : null;
  return (
    <div className="flex flex-wrap justify-end gap-2">
      {actions.map((action) => (
        <Button
          key={action}
          size={size}
          variant={action === "REFUNDED" || action === "CANCELLED" ? "secondary" : "primary"}
          onClick={() => setOpen(action)}
          aria-label={`${DIALOGS[action].button}: ${order.title}`}
        >
          {DIALOGS[action].button}
        </Button>
      ))}
      {dialog && open ? (
        <ConfirmDialog
          open
          onClose={() => setOpen(null)}
          onConfirm={() => void run(open)}
          pending={pending}
          title={dialog.title}
          description={open === "REFUNDED" ? refundSummary(order) : dialog.description}
          confirmLabel={dialog.button}
          tone={open === "REFUNDED" || open === "CANCELLED" ? "danger" : "primary"}
        >
          {dialog.noteLabel ? (
            <Field label={dialog.noteLabel} name="note" labelSuffix="optional" hint="The buyer sees it in their email and on the order page.">
              {(control) =>
                open === "SHIPPED" ? (
                  <Input {...control} maxLength={500} value={note} onChange={(event) => setNote(event.target.value)} />
                ) : (
                  <Textarea {...control} rows={2} maxLength={500} value={note} onChange={(event) => setNote(event.target.value)} />
                )
              }
            </Field>
          ) : null}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

const DONE: Record<Action, string> = {
  SHIPPED: "Marked shipped",
  DELIVERED: "Marked delivered",
  REFUNDED: "Order refunded",
  CANCELLED: "Order cancelled",
};

const DIALOGS: Record<Action, { button: string; title: string; description: string; noteLabel?: string }> = {
  SHIPPED: { button: "Mark shipped", title: "Mark this order shipped?", description: "The buyer is emailed that it's on its way.", noteLabel: "Tracking note" },
  DELIVERED: { button: "Mark delivered", title: "Mark this order delivered?", description: "The buyer is emailed that it arrived." },
  REFUNDED: { button: "Refund", title: "Refund this order in full?", description: "", noteLabel: "Reason" },
  CANCELLED: {
    button: "Cancel order",
    title: "Cancel this order?",
    description: "The card checkout is closed and any credits set aside from your wallet are released.",
  },
};
