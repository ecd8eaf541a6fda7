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
import { periodLabel } from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

interface JoinPlanButtonProps {
  plan: { id: string; name: string; price: bigint; periodDays: number };
  /** Signed out: a sign-in link that comes back here. */
  signInHref: string | null;
  /** The performer looking at their own fan club cannot join it. */
  ownPlan: boolean;
}

/** Join a plan: a confirmation naming the price and the renewal, then a toast; a refusal says what to do. */
export function JoinPlanButton({ plan, signInHref, ownPlan }: JoinPlanButtonProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const join = useMutation(trpc.memberships.subscribe.mutationOptions());
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<PaymentError | null>(null);
  const [walletId, setWalletId] = useState<string | null>(null);
  const wallets = usePayingWallets("MEMBERSHIPS", walletId, !signInHref && !ownPlan && confirming);
  // One key per intended join: a retry after a lost response reuses it, so the first period is paid once.
  const idempotencyKey = useRef(crypto.randomUUID());

  if (signInHref) {
    return (
      <ButtonLink href={signInHref} variant="secondary" className="w-full">
        Sign in to join
      </ButtonLink>
    );
  }
  if (ownPlan) return <p className="text-sm text-muted">This is your fan club.</p>;

  const period = periodLabel(plan.periodDays);

  function confirm() {
    join.mutate(
      { planId: plan.id, idempotencyKey: idempotencyKey.current, expectedPrice: plan.price, walletTypeId: wallets.chosen?.id },
      {
        onSuccess: (result) => {
          setConfirming(false);
          setError(null);
          idempotencyKey.current = crypto.randomUUID();
          void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
          void queryClient.invalidateQueries(trpc.spending.wallets.pathFilter());
          void queryClient.invalidateQueries(trpc.memberships.mine.pathFilter());
          toast.success(`Welcome to ${result.planName}`, `Your membership renews on ${dateFormat.format(result.currentPeriodEnd)}.`);
          router.refresh();
        },
        onError: (refusal) => {
          setConfirming(false);
          const described = describePaymentError(refusal, "this membership");
          setError(described);
          toast.error("Membership not started", described.message);
          // A refusal may come from a change on the server (a new price): show the page as it is now.
          router.refresh();
        },
      },
    );
  }

  return (
    <div className="space-y-3">
      {error ? <PaymentErrorNotice error={error} /> : null}
      <Button className="w-full" onClick={() => setConfirming(true)}>
        Join for {formatCredits(plan.price)} credits
      </Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={confirm}
        pending={join.isPending}
        title={`Join ${plan.name}?`}
        description={`${formatCredits(plan.price)} credits leave your ${wallets.chosen?.name ?? "Credits"} wallet now for the first ${period}. It renews every ${period} from the same wallet at the same price or less until you cancel; cancelling keeps your access to the end of the paid period.`}
        confirmLabel="Join"
      >
        {wallets.options.length > 1 ? <WalletPicker options={wallets.options} value={wallets.chosen?.id ?? null} onChange={setWalletId} /> : null}
      </ConfirmDialog>
    </div>
  );
}
