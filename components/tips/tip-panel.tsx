"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { PayingWalletBar } from "@/components/wallet/paying-wallet";
import { describePaymentError, type PaymentError, PaymentErrorNotice } from "@/components/wallet/payment-error";
import { Input, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { cn } from "@/components/ui/cn";
import { formatCredits, parseCredits } from "@/server/domain/money";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

const PRESETS = [10n, 25n, 50n, 100n];
const MAX_TIP = 100_000n;
const MAX_MESSAGE = 280;

interface TipPanelProps {
  performerUsername: string;
  stageName: string;
  /** Signed out: the panel offers the sign-in link instead of a form. */
  signedIn: boolean;
  /** Where sign-in returns to. */
  signInHref: string;
  /** The performer looking at their own page cannot tip themselves. */
  ownPage: boolean;
  /** The viewer's private channel (userChannel), which keeps the paying wallet shown here live; null when signed out. */
  wallet: { config: PublicPusherConfig; channel: string } | null;
}

/** Tip a performer: a preset or custom amount, an optional message, a confirmation, then a toast. */
export function TipPanel({ performerUsername, stageName, signedIn, signInHref, ownPage, wallet }: TipPanelProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const send = useMutation(trpc.tips.send.mutationOptions());
  const [amountText, setAmountText] = useState("25");
  const [message, setMessage] = useState("");
  const [amountError, setAmountError] = useState<string | null>(null);
  const [formError, setFormError] = useState<PaymentError | null>(null);
  const [confirming, setConfirming] = useState<bigint | null>(null);
  // One key per intended tip: a retry after a lost response reuses it, so the tip is not sent twice.
  const idempotencyKey = useRef(crypto.randomUUID());

  if (!signedIn) {
    return (
      <Card>
        <CardHeader title={`Tip ${stageName}`} />
        <CardBody className="space-y-3 text-sm">
          <p className="text-muted">Sign in to send a tip with your credits.</p>
          <ButtonLink href={signInHref}>Sign in to tip</ButtonLink>
        </CardBody>
      </Card>
    );
  }
  if (ownPage) return null;

  const selected = parseCredits(amountText);

  function review() {
    setFormError(null);
    if (selected === null) return setAmountError("Enter a whole number of credits, 1 or more.");
    if (selected > MAX_TIP) return setAmountError(`A tip is at most ${formatCredits(MAX_TIP)} credits.`);
    setAmountError(null);
    setConfirming(selected);
  }

  function confirm() {
    if (confirming === null) return;
    send.mutate(
      { performerUsername, amount: confirming, message: message.trim() || undefined, idempotencyKey: idempotencyKey.current },
      {
        onSuccess: (result) => {
          setConfirming(null);
          setMessage("");
          idempotencyKey.current = crypto.randomUUID();
          void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
          toast.success(`You tipped ${formatCredits(result.amount)} credits`, `${result.stageName} thanks you.`);
        },
        onError: (error) => {
          setConfirming(null);
          const refusal = describePaymentError(error, "this tip");
          setFormError(refusal);
          toast.error("Tip not sent", refusal.message);
        },
      },
    );
  }

  const messageTooLong = message.trim().length > MAX_MESSAGE;

  return (
    <Card aria-labelledby="tip-heading">
      <CardHeader id="tip-heading" title={`Tip ${stageName}`} description="Paid from your active wallet." />
      <CardBody>
        <form
          className="space-y-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            review();
          }}
        >
          {wallet ? <PayingWalletBar config={wallet.config} channel={wallet.channel} /> : null}
          {formError ? <PaymentErrorNotice error={formError} /> : null}
          <div role="group" aria-label="Preset amounts" className="flex flex-wrap gap-2">
            {PRESETS.map((preset) => (
              <Button
                key={preset.toString()}
                size="sm"
                variant="secondary"
                aria-pressed={selected === preset}
                className={cn(selected === preset && "ring-2 ring-accent-500")}
                onClick={() => setAmountText(preset.toString())}
              >
                {formatCredits(preset)}
              </Button>
            ))}
          </div>
          <Field label="Amount" name="amount" error={amountError} hint="Whole credits.">
            {(control) => (
              <Input {...control} inputMode="numeric" autoComplete="off" value={amountText} onChange={(event) => setAmountText(event.target.value)} />
            )}
          </Field>
          <Field
            label="Message"
            name="message"
            labelSuffix="optional"
            error={messageTooLong ? `At most ${MAX_MESSAGE} characters.` : null}
            hint={`${message.trim().length}/${MAX_MESSAGE}`}
          >
            {(control) => <Textarea {...control} rows={2} value={message} onChange={(event) => setMessage(event.target.value)} />}
          </Field>
          <Button type="submit" disabled={messageTooLong}>
            Send tip
          </Button>
        </form>
      </CardBody>
      <ConfirmDialog
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        onConfirm={confirm}
        pending={send.isPending}
        title={`Tip ${stageName}?`}
        description={`${formatCredits(confirming ?? 0n)} credits leave your wallet now. Tips are final.`}
        confirmLabel="Send tip"
      />
    </Card>
  );
}
