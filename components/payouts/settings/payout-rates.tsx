"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { describeTrpcError } from "@/components/auth/form-errors";
import { DataTable } from "@/components/kit/data-table";
import { textAs } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { formatCredits, formatMinor, parseCredits } from "@/server/domain/money";
import { parseMajorToMinor, payoutRateSchema } from "@/server/domain/payouts";

interface Rate {
  currency: string;
  credits: bigint;
  amountMinor: bigint;
}

/** The rate form read into the tRPC input: the amount is typed in major units of the currency typed beside it. */
const rateFormSchema = z
  .object({
    currency: payoutRateSchema.shape.currency,
    credits: textAs(parseCredits, "Enter a whole number of credits, 1 or more."),
    amount: z.string(),
  })
  .transform(({ currency, credits, amount }, ctx) => {
    const amountMinor = parseMajorToMinor(amount, currency);
    if (amountMinor === null || amountMinor === 0n) {
      ctx.addIssue({ code: "custom", path: ["amount"], message: `Enter an amount in ${currency}, such as 1.00.` });
      return z.NEVER;
    }
    return { currency, credits, amountMinor };
  })
  .pipe(payoutRateSchema);

/** What credits are worth per payout currency ("20 credits = $1.00"), one rate per currency. */
export function PayoutRates({ rates }: { rates: Rate[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const setRate = useMutation(trpc.payouts.settings.setRate.mutationOptions());
  const removeRate = useMutation(trpc.payouts.settings.removeRate.mutationOptions());
  const form = useZodForm({ schema: rateFormSchema, initial: { currency: "USD", credits: "", amount: "" }, aliases: { amountMinor: "amount" } });
  const { values, errors, set } = form;

  function refresh() {
    void queryClient.invalidateQueries(trpc.payouts.pathFilter());
  }

  const save = form.onSubmit(async (input) => {
    await setRate.mutateAsync(input);
    refresh();
    form.reset({ credits: "", amount: "" });
    toast.success("Rate saved", `${formatCredits(input.credits)} credits = ${formatMinor(input.amountMinor, input.currency)}. Requests already made keep their amounts.`);
  });

  return (
    <div className="space-y-5">
      <DataTable
        bare
        rows={rates}
        columns={[
          { key: "currency", header: "Currency", className: "font-medium", sortValue: (rate) => rate.currency, cell: (rate) => rate.currency },
          {
            key: "rate",
            header: "Rate",
            className: "tabular-nums",
            cell: (rate) => (
              <>
                {formatCredits(rate.credits)} credits = {formatMinor(rate.amountMinor, rate.currency)}
              </>
            ),
          },
          {
            key: "actions",
            header: "Actions",
            hiddenHeader: true,
            align: "right",
            cell: (rate) => (
              <Button
                size="sm"
                variant="ghost"
                className="text-red-700"
                onClick={() => removeRate.mutate({ currency: rate.currency }, { onSuccess: refresh, onError: (failure) => toast.error("Not removed", describeTrpcError(failure).message) })}
              >
                Stop paying in {rate.currency}
              </Button>
            ),
          },
        ]}
        rowKey={(rate) => rate.currency}
        caption="Payout rates"
        what="payout rates"
        tableClassName="min-w-0"
        empty={{ title: "No payout currency yet", description: "Performers can't withdraw until you add one." }}
      />
      <form onSubmit={save} noValidate className="grid gap-3 sm:grid-cols-4 sm:items-end">
        {form.formError ? (
          <div className="sm:col-span-4">
            <FormAlert>{form.formError}</FormAlert>
          </div>
        ) : null}
        <Field label="Currency" name="rateCurrency" error={errors.currency}>
          {(control) => <Input {...control} value={values.currency} maxLength={3} onChange={(event) => set("currency", event.target.value)} />}
        </Field>
        <Field label="Credits" name="rateCredits" error={errors.credits}>
          {(control) => <Input {...control} inputMode="numeric" value={values.credits} onChange={(event) => set("credits", event.target.value)} placeholder="20" />}
        </Field>
        <Field label="Are worth" name="rateAmount" error={errors.amount}>
          {(control) => <Input {...control} inputMode="decimal" value={values.amount} onChange={(event) => set("amount", event.target.value)} placeholder="1.00" />}
        </Field>
        <Button type="submit" loading={form.pending}>
          Save rate
        </Button>
      </form>
    </div>
  );
}
