"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { type FormEvent, useRef, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { formatBps } from "@/components/commissions/rate-input";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { describePaymentError, type PaymentError, PaymentErrorNotice } from "@/components/wallet/payment-error";
import type { AppRouter } from "@/server/api/root";
import { formatCredits, parseCredits } from "@/server/domain/money";

type Preview = inferRouterOutputs<AppRouter>["transfers"]["preview"];

const MAX_NOTE = 140;

interface FieldErrors {
  recipient?: string;
  amount?: string;
  note?: string;
}

function TermsSummary() {
  const trpc = useTRPC();
  const terms = useQuery(trpc.transfers.terms.queryOptions());
  if (!terms.data) return <Skeleton className="h-4 w-2/3" />;
  const { enabled, remainingToday, dailyLimit, feeBps, minFee } = terms.data;
  if (!enabled) return <FormAlert tone="info">Transfers are turned off at the moment.</FormAlert>;
  const fee =
    feeBps === 0 && minFee === 0n
      ? "No fee."
      : `Fee: ${formatBps(feeBps)} of the amount${minFee > 0n ? `, at least ${formatCredits(minFee)} credits` : ""}, paid on top.`;
  return (
    <p className="text-sm text-muted">
      You can send {formatCredits(remainingToday)} more credits today (limit {formatCredits(dailyLimit)} a day, resets at midnight UTC). {fee}
    </p>
  );
}

function Summary({ preview }: { preview: Preview }) {
  const rows: Array<[string, string]> = [
    ["To", `${preview.recipient.displayName} (@${preview.recipient.username})`],
    ["Amount", `${formatCredits(preview.amount)} credits`],
    ["Fee", `${formatCredits(preview.fee)} credits`],
    ["Total from your wallet", `${formatCredits(preview.total)} credits`],
  ];
  return (
    <dl className="space-y-1.5 rounded-control border border-line bg-subtle/50 px-4 py-3 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="flex justify-between gap-4">
          <dt className="text-muted">{label}</dt>
          <dd className="text-right font-medium text-fg">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Send credits to another user: recipient and amount, a confirmation with the fee and total, then a toast. */
export function TransferForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const quote = useMutation(trpc.transfers.preview.mutationOptions());
  const send = useMutation(trpc.transfers.send.mutationOptions());
  const [recipient, setRecipient] = useState("");
  const [amountText, setAmountText] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<PaymentError | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  // One key per intended transfer: a retry after a lost response reuses it, so the credits move once.
  const idempotencyKey = useRef(crypto.randomUUID());

  function edit(apply: () => void) {
    apply();
    setErrors({});
    setFormError(null);
  }

  async function review(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const amount = parseCredits(amountText);
    const found: FieldErrors = {};
    if (!recipient.trim()) found.recipient = "Enter a username or email address.";
    if (amount === null) found.amount = "Enter a whole number of credits, 1 or more.";
    if (note.trim().length > MAX_NOTE) found.note = `At most ${MAX_NOTE} characters.`;
    if (amount === null || Object.keys(found).length > 0) return setErrors(found);
    try {
      setPreview(await quote.mutateAsync({ recipient: recipient.trim(), amount }));
    } catch (error) {
      const { message, fieldErrors } = describeTrpcError(error);
      if (fieldErrors.recipient || fieldErrors.amount) setErrors({ recipient: fieldErrors.recipient?.[0], amount: fieldErrors.amount?.[0] });
      else setFormError({ message, needsCredits: false });
    }
  }

  function confirm() {
    if (!preview) return;
    send.mutate(
      { recipient: recipient.trim(), amount: preview.amount, note: note.trim() || undefined, idempotencyKey: idempotencyKey.current },
      {
        onSuccess: (result) => {
          setPreview(null);
          setRecipient("");
          setAmountText("");
          setNote("");
          idempotencyKey.current = crypto.randomUUID();
          void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
          void queryClient.invalidateQueries(trpc.wallet.history.pathFilter());
          void queryClient.invalidateQueries(trpc.transfers.terms.pathFilter());
          toast.success(`Sent ${formatCredits(result.amount)} credits`, `${result.recipientDisplayName} has them now.`);
        },
        onError: (error) => {
          setPreview(null);
          const refusal = describePaymentError(error, "this transfer");
          setFormError(refusal);
          toast.error("Transfer not sent", refusal.message);
        },
      },
    );
  }

  return (
    <Card aria-labelledby="transfer-heading">
      <CardHeader id="transfer-heading" title="Send credits" description="From your available credits to another Tipmeter user." />
      <CardBody className="space-y-4">
        <TermsSummary />
        <form className="space-y-4" noValidate onSubmit={(event) => void review(event)}>
          {formError ? <PaymentErrorNotice error={formError} /> : null}
          <Field label="Recipient" name="recipient" error={errors.recipient} hint="Their username or email address.">
            {(control) => (
              <Input {...control} autoComplete="off" value={recipient} onChange={(event) => edit(() => setRecipient(event.target.value))} />
            )}
          </Field>
          <Field label="Amount" name="amount" error={errors.amount} hint="Whole credits.">
            {(control) => (
              <Input {...control} inputMode="numeric" autoComplete="off" value={amountText} onChange={(event) => edit(() => setAmountText(event.target.value))} />
            )}
          </Field>
          <Field label="Note" name="note" labelSuffix="optional" error={errors.note} hint={`${note.trim().length}/${MAX_NOTE}`}>
            {(control) => <Textarea {...control} rows={2} value={note} onChange={(event) => edit(() => setNote(event.target.value))} />}
          </Field>
          <Button type="submit" loading={quote.isPending}>
            Review transfer
          </Button>
        </form>
      </CardBody>
      <ConfirmDialog
        open={preview !== null}
        onClose={() => setPreview(null)}
        onConfirm={confirm}
        pending={send.isPending}
        title={preview ? `Send ${formatCredits(preview.amount)} credits to ${preview.recipient.displayName}?` : "Send credits?"}
        description="Transfers are final: the credits leave your wallet now."
        confirmLabel="Send credits"
      >
        {preview ? <Summary preview={preview} /> : null}
      </ConfirmDialog>
    </Card>
  );
}
