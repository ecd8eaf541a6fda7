"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits, formatMinor, parseCredits } from "@/server/domain/money";
import { PAYOUT_METHOD_LABELS, type WithdrawalQuote, creditsToMinor, quoteWithdrawal, withdrawalProblem } from "@/server/domain/payouts";
import { dateTimeFormat } from "./withdrawal-status";

function Amount({ label, value, strong = false }: { label: string; value: string; strong?: boolean }) {
  return (
    <div className="flex justify-between gap-4">
      <dt className={strong ? "font-semibold" : "text-muted"}>{label}</dt>
      <dd className={strong ? "font-semibold tabular-nums" : "tabular-nums"}>{value}</dd>
    </div>
  );
}

/**
 * What the performer can withdraw and the request form: the money value, fee and net are computed as they type
 * with the same pure functions the server checks with, so the preview is what the request will be.
 */
export function WithdrawalRequest() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const overview = useQuery(trpc.payouts.withdrawals.overview.queryOptions());
  const balances = useQuery(trpc.wallet.balances.queryOptions());
  const request = useMutation(trpc.payouts.withdrawals.request.mutationOptions());
  const [amountText, setAmountText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<WithdrawalQuote | null>(null);
  // One key per intended withdrawal: a retry after a lost response reuses it, so nothing is requested twice.
  const idempotencyKey = useRef(crypto.randomUUID());

  if (overview.isError) return <QueryError what="your balance" onRetry={() => void overview.refetch()} retrying={overview.isFetching} />;
  const data = overview.data;
  if (!data) {
    return (
      <Card>
        <CardBody className="space-y-3" role="status">
          <span className="sr-only">Loading…</span>
          <Skeleton className="h-8 w-40" />
          <Skeleton className="h-10 w-full" />
        </CardBody>
      </Card>
    );
  }

  const { rate, terms, currency, method } = data;
  const credits = parseCredits(amountText);
  const quote = rate && terms && credits !== null ? quoteWithdrawal(credits, rate, terms) : null;
  const methodLabel = method ? PAYOUT_METHOD_LABELS[method] : "this payout method";
  const problem = quote && terms ? withdrawalProblem(quote, terms, data.available, methodLabel) : null;
  const money = (minor: bigint) => formatMinor(minor, currency ?? "USD");
  const largest = terms ? (data.available < terms.maxCredits ? data.available : terms.maxCredits) : 0n;

  function review(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (credits === null) return setError("Enter a whole number of credits, 1 or more.");
    if (problem) return setError(problem.message);
    setError(null);
    setConfirming(quote);
  }

  function confirm() {
    if (!confirming) return;
    request.mutate(
      { credits: confirming.credits, idempotencyKey: idempotencyKey.current },
      {
        onSuccess: ({ withdrawal }) => {
          setConfirming(null);
          setAmountText("");
          idempotencyKey.current = crypto.randomUUID();
          void queryClient.invalidateQueries(trpc.payouts.withdrawals.pathFilter());
          void queryClient.invalidateQueries(trpc.wallet.pathFilter());
          toast.success(
            `Withdrawal of ${formatCredits(withdrawal.credits)} credits requested`,
            withdrawal.status === "APPROVED" ? "It was approved automatically." : "An admin reviews it; we'll email you at each step.",
          );
        },
        onError: (failure) => {
          setConfirming(null);
          setError(describeTrpcError(failure).message);
          void overview.refetch();
        },
      },
    );
  }

  return (
    <div className="grid gap-6 lg:grid-cols-3 lg:items-start">
      <Card aria-labelledby="withdrawable-heading">
        <CardHeader id="withdrawable-heading" title="Earnings wallet: ready to withdraw" />
        <CardBody className="space-y-3 text-sm">
          <p className="flex items-baseline gap-1.5">
            <span className="text-3xl font-bold tracking-tight tabular-nums">{formatCredits(data.available)}</span>
            <span className="text-muted">credits</span>
          </p>
          {rate ? <p className="text-muted">Worth {money(creditsToMinor(data.available, rate))} before fees.</p> : null}
          {data.held > 0n ? <p className="text-muted">{formatCredits(data.held)} credits are held for requests and shows in progress.</p> : null}
          <p className="text-xs text-muted">
            Withdrawals draw only on your Earnings wallet: matured earnings, with pending earnings joining it when their
            hold ends. Credits you bought or received sit in your Credits wallet
            {balances.data ? ` (${formatCredits(balances.data.available)} credits)` : ""} and can&apos;t be withdrawn.
          </p>
        </CardBody>
      </Card>

      <Card className="lg:col-span-2" aria-labelledby="request-heading">
        <CardHeader
          id="request-heading"
          title="Request a withdrawal"
          description={
            method && rate && terms
              ? `${methodLabel} · ${formatCredits(rate.credits)} credits = ${money(rate.amountMinor)} · fee ${money(terms.fixedMinor)} + ${(terms.percentBps / 100).toString()}% · ${formatCredits(terms.minCredits)} to ${formatCredits(terms.maxCredits)} credits`
              : undefined
          }
          action={
            <ButtonLink href="/performer/payout-profile" variant="secondary" size="sm">
              Payout details
            </ButtonLink>
          }
        />
        <CardBody className="space-y-4">
          {data.blockers.length > 0 ? (
            <FormAlert tone="info">
              <ul className="space-y-1">
                {data.blockers.map((blocker) => (
                  <li key={blocker}>{blocker}</li>
                ))}
              </ul>
              {data.lockedUntil ? <p className="mt-1">Withdrawals open again on {dateTimeFormat.format(data.lockedUntil)}.</p> : null}
            </FormAlert>
          ) : null}
          {data.details.length > 0 ? (
            <p className="text-sm text-muted">
              Paid to: {data.details.map((line) => `${line.label} ${line.value}`).join(" · ")}
            </p>
          ) : null}
          <form onSubmit={review} noValidate className="grid gap-4 sm:grid-cols-2 sm:items-start">
            <div className="space-y-2">
              <Field label="Credits to withdraw" name="credits" error={error}>
                {(control) => (
                  <Input
                    {...control}
                    inputMode="numeric"
                    autoComplete="off"
                    value={amountText}
                    disabled={data.blockers.length > 0}
                    onChange={(event) => {
                      setAmountText(event.target.value);
                      setError(null);
                    }}
                  />
                )}
              </Field>
              {largest > 0n && data.blockers.length === 0 ? (
                <Button variant="ghost" size="sm" onClick={() => setAmountText(largest.toString())}>
                  Withdraw {formatCredits(largest)} (the most you can)
                </Button>
              ) : null}
            </div>
            <dl className="space-y-1.5 rounded-control border border-line bg-subtle/50 px-4 py-3 text-sm" aria-live="polite" aria-label="Preview">
              <Amount label="Money value" value={quote ? money(quote.grossMinor) : "—"} />
              <Amount label="Fee" value={quote ? money(quote.feeMinor) : "—"} />
              <Amount label="You receive" value={quote && quote.netMinor > 0n ? money(quote.netMinor) : "—"} strong />
              {problem && amountText ? <p className="pt-1 text-xs text-amber-800">{problem.message}</p> : null}
            </dl>
            <div className="sm:col-span-2">
              <Button type="submit" disabled={data.blockers.length > 0}>
                Request withdrawal
              </Button>
            </div>
          </form>
        </CardBody>
      </Card>

      <ConfirmDialog
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        onConfirm={confirm}
        pending={request.isPending}
        title="Request this withdrawal?"
        description={
          confirming
            ? `${formatCredits(confirming.credits)} credits are held now. You receive ${money(confirming.netMinor)} (${money(confirming.grossMinor)} minus a ${money(confirming.feeMinor)} fee) by ${methodLabel} once an admin approves and pays it. You can cancel until it is reviewed.`
            : undefined
        }
        confirmLabel="Request withdrawal"
      />
    </div>
  );
}
