"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useRef, useState } from "react";
import { z } from "zod";
import { formatBps } from "@/components/commissions/rate-input";
import { textAs } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { describePaymentError, type PaymentError, PaymentErrorNotice } from "@/components/wallet/payment-error";
import type { AppRouter } from "@/server/api/root";
import { formatCredits, formatWalletAmount, parseCredits } from "@/server/domain/money";
import { MAX_TRANSFER_NOTE, sendTransferSchema } from "@/server/domain/transfers";
import { CREDITS_WALLET } from "@/server/domain/wallets";

type Preview = inferRouterOutputs<AppRouter>["transfers"]["preview"];

/** The transfer form read into the tRPC input (without its idempotency key): a blank note is no note. */
const transferFormSchema = z
  .object({
    fromWallet: z.string().min(1, "Choose the wallet to send from."),
    recipient: sendTransferSchema.shape.recipient,
    amount: textAs(parseCredits, "Enter a whole number of credits, 1 or more."),
    note: z.string().trim().max(MAX_TRANSFER_NOTE, `At most ${MAX_TRANSFER_NOTE} characters.`),
  })
  .transform(({ note, ...fields }) => (note ? { ...fields, note } : fields))
  .pipe(sendTransferSchema.omit({ idempotencyKey: true }).extend({ fromWallet: sendTransferSchema.shape.fromWallet.unwrap() }));

type TransferRequest = z.output<typeof transferFormSchema>;

const BLANK = { recipient: "", amount: "", note: "" };
type FormFields = typeof BLANK & { fromWallet: string };

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
    ["From", `Your ${preview.fromWallet.name} wallet`],
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

/**
 * The sender's wallets that may send credits to others (their rules say transferable), with live balances. The
 * recipient always receives into their Credits wallet, whichever of these the credits leave.
 */
function useTransferableWallets() {
  const trpc = useTRPC();
  const wallets = useQuery(trpc.wallet.wallets.queryOptions());
  const balances = useQuery(trpc.wallet.balances.queryOptions());
  return (wallets.data ?? [])
    .filter((wallet) => wallet.transferable && wallet.currencyKind === "CREDITS")
    .map((wallet) => ({ ...wallet, balance: balances.data?.wallets[wallet.id] ?? wallet.balance }));
}

/**
 * Send credits to another user: the wallet to send from (Credits unless `from` names another transferable one),
 * recipient and amount, a confirmation with the fee and total, then a toast.
 */
export function TransferForm({ from = CREDITS_WALLET }: { from?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const quote = useMutation(trpc.transfers.preview.mutationOptions());
  const send = useMutation(trpc.transfers.send.mutationOptions());
  const form = useZodForm<FormFields, typeof transferFormSchema>({ schema: transferFormSchema, initial: { ...BLANK, fromWallet: from } });
  const wallets = useTransferableWallets();
  const [sendError, setSendError] = useState<PaymentError | null>(null);
  const [review, setReview] = useState<{ request: TransferRequest; preview: Preview } | null>(null);
  const preview = review?.preview ?? null;
  // One key per intended transfer: a retry after a lost response reuses it, so the credits move once.
  const idempotencyKey = useRef(crypto.randomUUID());
  const { values, errors } = form;

  function set(name: keyof FormFields, value: string) {
    form.set(name, value);
    setSendError(null);
  }

  const toReview = form.onSubmit(async (request) => {
    setSendError(null);
    const quoted = await quote.mutateAsync({ recipient: request.recipient, amount: request.amount, fromWallet: request.fromWallet });
    setReview({ request, preview: quoted });
  });

  function confirm() {
    if (!review) return;
    send.mutate(
      { ...review.request, idempotencyKey: idempotencyKey.current },
      {
        onSuccess: (result) => {
          setReview(null);
          form.reset(BLANK);
          idempotencyKey.current = crypto.randomUUID();
          void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
          void queryClient.invalidateQueries(trpc.wallet.history.pathFilter());
          void queryClient.invalidateQueries(trpc.transfers.terms.pathFilter());
          toast.success(`Sent ${formatCredits(result.amount)} credits`, `${result.recipientDisplayName} has them now.`);
        },
        onError: (error) => {
          setReview(null);
          const refusal = describePaymentError(error, "this transfer");
          setSendError(refusal);
          toast.error("Transfer not sent", refusal.message);
        },
      },
    );
  }

  const notice = sendError ?? (form.formError ? { message: form.formError, needsCredits: false } : null);

  return (
    <Card aria-labelledby="transfer-heading">
      <CardHeader
        id="transfer-heading"
        title="Send credits"
        description="From one of your wallets that may be sent, into the other user's Credits wallet."
      />
      <CardBody className="space-y-4">
        <TermsSummary />
        <form className="space-y-4" noValidate onSubmit={toReview}>
          {notice ? <PaymentErrorNotice error={notice} /> : null}
          <Field
            label="From wallet"
            name="fromWallet"
            error={errors.fromWallet}
            hint="Only wallets whose credits may be sent to others are listed. Earnings can't be sent: withdraw them instead."
          >
            {(control) => (
              <Select {...control} value={values.fromWallet} onChange={(event) => set("fromWallet", event.target.value)}>
                {wallets.some((wallet) => wallet.id === values.fromWallet) ? null : <option value={values.fromWallet}>Loading…</option>}
                {wallets.map((wallet) => (
                  <option key={wallet.id} value={wallet.id}>
                    {wallet.name} · {formatWalletAmount(wallet.balance, wallet)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Recipient" name="recipient" error={errors.recipient} hint="Their username or email address.">
            {(control) => (
              <Input {...control} autoComplete="off" value={values.recipient} onChange={(event) => set("recipient", event.target.value)} />
            )}
          </Field>
          <Field label="Amount" name="amount" error={errors.amount} hint="Whole credits.">
            {(control) => (
              <Input {...control} inputMode="numeric" autoComplete="off" value={values.amount} onChange={(event) => set("amount", event.target.value)} />
            )}
          </Field>
          <Field label="Note" name="note" labelSuffix="optional" error={errors.note} hint={`${values.note.trim().length}/${MAX_TRANSFER_NOTE}`}>
            {(control) => <Textarea {...control} rows={2} value={values.note} onChange={(event) => set("note", event.target.value)} />}
          </Field>
          <Button type="submit" loading={form.pending}>
            Review transfer
          </Button>
        </form>
      </CardBody>
      <ConfirmDialog
        open={preview !== null}
        onClose={() => setReview(null)}
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
