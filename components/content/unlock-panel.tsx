"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button, ButtonLink } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { WalletPicker, usePayingWallets } from "@/components/wallet/pay-from-wallet";
import { describePaymentError, type PaymentError, PaymentErrorNotice } from "@/components/wallet/payment-error";
import { formatCredits } from "@/server/domain/money";

interface UnlockPanelProps {
  itemId: string;
  title: string;
  price: bigint;
  stageName: string;
  signedIn: boolean;
  signInHref: string;
  /** Why the viewer cannot unlock it (members only, their own item...), shown instead of the button. */
  refusal: string | null;
}

/** Unlock an item: the price, a confirmation, then the page re-renders with the content. */
export function UnlockPanel({ itemId, title, price, stageName, signedIn, signInHref, refusal }: UnlockPanelProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toast = useToast();
  const unlock = useMutation(trpc.content.unlock.mutationOptions());
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<PaymentError | null>(null);
  const [walletId, setWalletId] = useState<string | null>(null);
  const wallets = usePayingWallets("CONTENT", walletId, signedIn && !refusal && confirming);
  // One key per intended purchase: a retry after a lost response reuses it and is not charged twice.
  const idempotencyKey = useRef(crypto.randomUUID());

  if (!signedIn) {
    return (
      <div className="space-y-3">
        <p className="text-sm text-muted">Sign in to unlock it with your credits.</p>
        <ButtonLink href={signInHref}>Sign in to unlock</ButtonLink>
      </div>
    );
  }
  if (refusal) return <p className="text-sm text-muted">{refusal}</p>;

  function confirm() {
    setError(null);
    unlock.mutate(
      { itemId, idempotencyKey: idempotencyKey.current, expectedPrice: price, walletTypeId: wallets.chosen?.id },
      {
        onSuccess: (result) => {
          setConfirming(false);
          idempotencyKey.current = crypto.randomUUID();
          void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
          void queryClient.invalidateQueries(trpc.spending.wallets.pathFilter());
          toast.success(`Unlocked “${result.title}”`, `${formatCredits(result.price)} credits paid. It's in your library now.`);
          router.refresh();
        },
        onError: (cause) => {
          setConfirming(false);
          const refused = describePaymentError(cause, "this item");
          setError(refused);
          toast.error("Not unlocked", refused.message);
          // A refusal may come from a change on the server (a new price): show the page as it is now.
          router.refresh();
        },
      },
    );
  }

  return (
    <div className="space-y-3">
      {error ? <PaymentErrorNotice error={error} /> : null}
      <Button size="lg" onClick={() => setConfirming(true)}>
        Unlock for {formatCredits(price)} credits
      </Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={confirm}
        pending={unlock.isPending}
        title={`Unlock “${title}”?`}
        description={`${formatCredits(price)} credits leave your ${wallets.chosen?.name ?? "Credits"} wallet now and go to ${stageName}. You keep access for good.`}
        confirmLabel="Unlock"
      >
        {wallets.options.length > 1 ? <WalletPicker options={wallets.options} value={wallets.chosen?.id ?? null} onChange={setWalletId} /> : null}
      </ConfirmDialog>
    </div>
  );
}
