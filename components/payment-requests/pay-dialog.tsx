"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { WalletPicker, usePayingWallets } from "@/components/wallet/pay-from-wallet";
import { describePaymentError, type PaymentError, PaymentErrorNotice } from "@/components/wallet/payment-error";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { cardAmountFor } from "@/server/domain/payment-requests";
import type { PaymentRequestView } from "@/server/services/payment-requests";
import { PAYMENT_REQUEST_TYPE_LABELS, timeFormat } from "./labels";

/**
 * The member's pop-up for a payment request: what the performer asks for, and Pay now (from a wallet whose rules
 * allow payment requests, or by card in Stripe Checkout at the site's credit price) or Decline. "Later" closes it;
 * the request stays in the chat with its own Pay button until it expires.
 */
export function PayRequestDialog({ request, onClose }: { request: PaymentRequestView | null; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [walletId, setWalletId] = useState<string | null>(null);
  const [error, setError] = useState<PaymentError | null>(null);
  const wallets = usePayingWallets("PAYMENT_REQUESTS", walletId, request !== null, request?.performer.id);
  const terms = useQuery({ ...trpc.store.paymentTerms.queryOptions(), enabled: request !== null });
  const payFromWallet = useMutation(trpc.paymentRequests.payFromWallet.mutationOptions());
  const payByCard = useMutation(trpc.paymentRequests.payByCard.mutationOptions());
  const decline = useMutation(trpc.paymentRequests.decline.mutationOptions());
  const busy = payFromWallet.isPending || payByCard.isPending || decline.isPending;

  function close() {
    setError(null);
    onClose();
  }

  if (!request) return null;
  const wallet = wallets.chosen;
  const short = wallet !== null && wallet.balance < request.amount;
  const cardPrice = terms.data ? formatMinor(cardAmountFor(request.amount, terms.data.creditPriceMinor), terms.data.currency) : null;
  const fail = (purpose: string) => (failure: unknown) => setError(describePaymentError(failure, purpose));

  return (
    <Dialog open onClose={close} busy={busy} title={`${request.performer.stageName} asks you to pay`}>
      <div className="space-y-4 px-6 pt-4">
        <div className="space-y-2 rounded-control border border-line p-4">
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <Badge tone="accent">{PAYMENT_REQUEST_TYPE_LABELS[request.type]}</Badge>
            <span className="text-muted">Expires at {timeFormat.format(request.expiresAt)}</span>
          </p>
          <p className="break-words text-fg">{request.description}</p>
          <p className="text-2xl font-semibold tabular-nums">{formatCredits(request.amount)} credits</p>
        </div>
        {error ? <PaymentErrorNotice error={error} /> : null}
        <WalletPicker options={wallets.options} value={wallet?.id ?? null} onChange={setWalletId} />
        <div className="space-y-2">
          <Button
            className="w-full"
            disabled={!wallet || busy}
            loading={payFromWallet.isPending}
            onClick={() =>
              wallet &&
              payFromWallet.mutate(
                { requestId: request.id, walletTypeId: wallet.id },
                {
                  onSuccess: () => {
                    toast.success("Paid", `${formatCredits(request.amount)} credits went to ${request.performer.stageName}. Your receipt is in the chat and your inbox.`);
                    close();
                  },
                  onError: fail("this request"),
                },
              )
            }
          >
            {wallet ? `Pay now from ${wallet.name}` : "Pay now"}
          </Button>
          {wallet ? (
            <p className="text-center text-xs text-muted">
              You have {formatCredits(wallet.balance)} credits in {wallet.name}
              {short ? ": not enough, pay by card instead or buy credits." : "."}
            </p>
          ) : null}
          <Button
            variant="secondary"
            className="w-full"
            disabled={busy || !cardPrice}
            loading={payByCard.isPending}
            onClick={() =>
              payByCard.mutate(
                { requestId: request.id },
                { onSuccess: ({ checkoutUrl }) => window.location.assign(checkoutUrl), onError: fail("this request") },
              )
            }
          >
            {cardPrice ? `Pay ${cardPrice} by card` : "Pay by card"}
          </Button>
        </div>
      </div>
      <div className="mt-6 flex justify-between gap-2 border-t border-line bg-subtle/50 px-6 py-4">
          <Button variant="ghost" onClick={close} disabled={busy}>
            Later
          </Button>
          <Button
            variant="danger"
            loading={decline.isPending}
            disabled={busy}
            onClick={() =>
              decline.mutate(
                { requestId: request.id },
                {
                  onSuccess: () => {
                    toast.success("Request declined", `${request.performer.stageName} sees that you declined.`);
                    close();
                  },
                  onError: fail("this request"),
                },
              )
            }
          >
            Decline
        </Button>
      </div>
    </Dialog>
  );
}
