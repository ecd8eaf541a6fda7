"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { formatCredits, formatMinor, parseCredits } from "@/server/domain/money";
import { parseMajorToMinor } from "@/server/domain/payouts";

interface Rate {
  currency: string;
  credits: bigint;
  amountMinor: bigint;
}

/** What credits are worth per payout currency ("20 credits = $1.00"), one rate per currency. */
export function PayoutRates({ rates }: { rates: Rate[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const setRate = useMutation(trpc.payouts.settings.setRate.mutationOptions());
  const removeRate = useMutation(trpc.payouts.settings.removeRate.mutationOptions());
  const [currency, setCurrency] = useState("USD");
  const [credits, setCredits] = useState("");
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | null>(null);

  function refresh() {
    void queryClient.invalidateQueries(trpc.payouts.pathFilter());
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(code)) return setError("A currency is a three-letter ISO code, such as USD.");
    const creditCount = parseCredits(credits);
    if (creditCount === null) return setError("Enter a whole number of credits, 1 or more.");
    const amountMinor = parseMajorToMinor(amount, code);
    if (amountMinor === null || amountMinor === 0n) return setError(`Enter an amount in ${code}, such as 1.00.`);
    setError(null);
    setRate.mutate(
      { currency: code, credits: creditCount, amountMinor },
      {
        onSuccess: () => {
          refresh();
          setCredits("");
          setAmount("");
          toast.success("Rate saved", `${formatCredits(creditCount)} credits = ${formatMinor(amountMinor, code)}. Requests already made keep their amounts.`);
        },
        onError: (failure) => setError(describeTrpcError(failure).message),
      },
    );
  }

  return (
    <div className="space-y-5">
      {rates.length > 0 ? (
        <Table className="min-w-0">
          <caption className="sr-only">Payout rates</caption>
          <TableHead>
            <tr>
              <TableHeaderCell>Currency</TableHeaderCell>
              <TableHeaderCell>Rate</TableHeaderCell>
              <TableHeaderCell>
                <span className="sr-only">Actions</span>
              </TableHeaderCell>
            </tr>
          </TableHead>
          <tbody>
            {rates.map((rate) => (
              <TableRow key={rate.currency}>
                <TableCell className="font-medium">{rate.currency}</TableCell>
                <TableCell className="tabular-nums">
                  {formatCredits(rate.credits)} credits = {formatMinor(rate.amountMinor, rate.currency)}
                </TableCell>
                <TableCell className="text-right">
                  <Button
                    size="sm"
                    variant="ghost"
                    className="text-red-700"
                    onClick={() =>
                      removeRate.mutate({ currency: rate.currency }, { onSuccess: refresh, onError: (failure) => toast.error("Not removed", describeTrpcError(failure).message) })
                    }
                  >
                    Stop paying in {rate.currency}
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </tbody>
        </Table>
      ) : (
        <FormAlert tone="info">No payout currency yet: performers can&apos;t withdraw until you add one.</FormAlert>
      )}
      <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-4 sm:items-end">
        {error ? (
          <div className="sm:col-span-4">
            <FormAlert>{error}</FormAlert>
          </div>
        ) : null}
        <Field label="Currency" name="rateCurrency">
          {(control) => <Input {...control} value={currency} maxLength={3} onChange={(event) => setCurrency(event.target.value)} />}
        </Field>
        <Field label="Credits" name="rateCredits">
          {(control) => <Input {...control} inputMode="numeric" value={credits} onChange={(event) => setCredits(event.target.value)} placeholder="20" />}
        </Field>
        <Field label="Are worth" name="rateAmount">
          {(control) => <Input {...control} inputMode="decimal" value={amount} onChange={(event) => setAmount(event.target.value)} placeholder="1.00" />}
        </Field>
        <Button type="submit" loading={setRate.isPending}>
          Save rate
        </Button>
      </form>
    </div>
  );
}
