"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useEffect, useState } from "react";
import { z } from "zod";
import { describeTrpcError } from "@/components/auth/form-errors";
import { formatBps } from "@/components/commissions/rate-input";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import type { AppRouter } from "@/server/api/root";
import { exchangeQuoteInputSchema, parseAmount } from "@/server/domain/exchange";
import { formatWalletAmount } from "@/server/domain/money";
import { CARD_TAB_WALLET } from "@/server/domain/wallets";

type Outputs = inferRouterOutputs<AppRouter>["exchange"];
type Wallet = Outputs["wallets"][number];
type Quote = Outputs["quote"];
type Done = Outputs["confirm"];

/** Must match the server's message for a quote past its lifetime (server/services/wallet/exchange.ts). */
const STALE_QUOTE = "This quote has expired; get a new one.";

const walletLabel = (wallet: Wallet) => `${wallet.name} · ${formatWalletAmount(wallet.balance, { currency: wallet.currency, exponent: wallet.exponent })}`;

/**
 * The form read into the quote input: the selects' values as shown (a default until the member picks), the amount
 * checked against the source wallet's decimals before it is sent.
 */
function quoteFormSchema(wallets: readonly Wallet[], shown: { fromWalletTypeId: string; toWalletTypeId: string }) {
  return z
    .object({ fromWalletTypeId: z.string(), toWalletTypeId: z.string(), amount: z.string() })
    .transform(({ amount }) => ({ ...shown, amount }))
    .pipe(
      exchangeQuoteInputSchema.superRefine((input, ctx) => {
        const from = wallets.find((wallet) => wallet.id === input.fromWalletTypeId);
        if (!from) return;
        const parsed = parseAmount(input.amount, from.exponent);
        if (!parsed.ok) ctx.addIssue({ code: "custom", path: ["amount"], message: parsed.error });
      }),
    );
}

/** A quote on screen and the key its confirmation is sent with: a retry after a lost response reuses it, so the exchange posts once. */
interface Shown {
  quote: Quote;
  idempotencyKey: string;
}

/**
 * Seconds left on a quote, counted down from the server's own figure on the page's monotonic clock from when it
 * appeared, so a wrong browser clock can't stretch it. The server still decides by its clock when confirming.
 */
function useCountdown(quote: Quote | null): number {
  const [elapsed, setElapsed] = useState<{ quoteId: string; seconds: number } | null>(null);
  useEffect(() => {
    if (!quote) return;
    const start = performance.now();
    const timer = setInterval(() => setElapsed({ quoteId: quote.id, seconds: Math.floor((performance.now() - start) / 1000) }), 250);
    return () => clearInterval(timer);
  }, [quote]);
  if (!quote) return 0;
  const seconds = elapsed?.quoteId === quote.id ? elapsed.seconds : 0;
  return Math.max(0, quote.secondsLeft - seconds);
}

function Terms({ quote, secondsLeft }: { quote: Quote; secondsLeft: number }) {
  const rows: Array<[string, string]> = [
    ["Rate", quote.rateWords],
    ["You exchange", formatWalletAmount(quote.amount, { currency: quote.from.currency, exponent: quote.from.exponent }) + ` from ${quote.from.name}`],
    ["Fee", `${formatWalletAmount(quote.fee, { currency: quote.from.currency, exponent: quote.from.exponent })} (${formatBps(quote.feeBps)})`],
    ["You get", formatWalletAmount(quote.result, { currency: quote.to.currency, exponent: quote.to.exponent }) + ` in ${quote.to.name}`],
  ];
  return (
    <div className="space-y-3">
      <p className="text-sm">
        Each {quote.from.currency} buys {quote.rateWords.split(" = ")[1]}; the fee comes off first, then the rest is converted and rounded down.
      </p>
      <dl aria-label="Quote" className="space-y-1.5 rounded-control border border-line bg-subtle/50 px-4 py-3 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="flex justify-between gap-4">
            <dt className="text-muted">{label}</dt>
            <dd className="text-right font-medium text-fg">{value}</dd>
          </div>
        ))}
      </dl>
      <p role="timer" aria-live="off" className="text-sm text-muted">
        {secondsLeft > 0 ? `This quote holds for ${secondsLeft} more second${secondsLeft === 1 ? "" : "s"}.` : "This quote has run out of time."}
      </p>
    </div>
  );
}

function Result({ done, onAgain }: { done: Done; onAgain: () => void }) {
  const { quote, balances } = done;
  return (
    <div className="space-y-3">
      <FormAlert tone="info">
        Exchanged {formatWalletAmount(quote.amount, { currency: quote.from.currency, exponent: quote.from.exponent })} for {formatWalletAmount(quote.result, { currency: quote.to.currency, exponent: quote.to.exponent })}.
      </FormAlert>
      <dl aria-label="New balances" className="space-y-1.5 rounded-control border border-line bg-subtle/50 px-4 py-3 text-sm">
        <div className="flex justify-between gap-4">
          <dt className="text-muted">{quote.from.name}</dt>
          <dd className="font-medium">{formatWalletAmount(balances.from, { currency: quote.from.currency, exponent: quote.from.exponent })}</dd>
        </div>
        <div className="flex justify-between gap-4">
          <dt className="text-muted">{quote.to.name}</dt>
          <dd className="font-medium">{formatWalletAmount(balances.to, { currency: quote.to.currency, exponent: quote.to.exponent })}</dd>
        </div>
      </dl>
      <Button variant="secondary" onClick={onAgain}>
        Exchange more
      </Button>
    </div>
  );
}

/** The member's wallets and balances, each in its own currency. */
function WalletList({ wallets }: { wallets: readonly Wallet[] }) {
  return (
    <ul aria-label="Your wallets" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      {wallets.map((wallet) => (
        <li key={wallet.id} className="rounded-card border border-line bg-surface px-4 py-3 shadow-card">
          <p className="text-sm text-muted">{wallet.name}</p>
          <p className="text-lg font-semibold tabular-nums" data-wallet={wallet.id}>
            {formatWalletAmount(wallet.balance, { currency: wallet.currency, exponent: wallet.exponent })}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** Exchange between two of one's own wallets: pick them and an amount, see the quote, confirm before it runs out. */
export function ExchangeForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const walletsQuery = useQuery(trpc.exchange.wallets.queryOptions());
  const wallets = walletsQuery.data ?? [];
  const requestQuote = useMutation(trpc.exchange.quote.mutationOptions());
  const confirmQuote = useMutation(trpc.exchange.confirm.mutationOptions());
  const [shown, setShown] = useState<Shown | null>(null);
  const quote = shown?.quote ?? null;
  const [done, setDone] = useState<Done | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const secondsLeft = useCountdown(quote);

  // The card tab wallet holds a card's authorisation, never value to exchange, whatever its type says.
  const sources = wallets.filter((wallet) => wallet.exchangeOut && wallet.id !== CARD_TAB_WALLET);
  const [picked, setPicked] = useState({ fromWalletTypeId: "", toWalletTypeId: "" });
  const fromId = sources.some((wallet) => wallet.id === picked.fromWalletTypeId) ? picked.fromWalletTypeId : (sources[0]?.id ?? "");
  const targets = wallets.filter((wallet) => wallet.exchangeIn && wallet.id !== fromId && wallet.id !== CARD_TAB_WALLET);
  const toId = targets.some((wallet) => wallet.id === picked.toWalletTypeId) ? picked.toWalletTypeId : (targets[0]?.id ?? "");
  const from = wallets.find((wallet) => wallet.id === fromId);
  const form = useZodForm({
    schema: quoteFormSchema(wallets, { fromWalletTypeId: fromId, toWalletTypeId: toId }),
    initial: { fromWalletTypeId: "", toWalletTypeId: "", amount: "" },
  });
  const { values, errors } = form;

  function change(name: keyof typeof values, value: string) {
    form.set(name, value);
    if (name !== "amount") setPicked((current) => ({ ...current, [name]: value }));
    setShown(null);
    setConfirmError(null);
  }

  async function fetchQuote(input: { fromWalletTypeId: string; toWalletTypeId: string; amount: string }) {
    setConfirmError(null);
    setDone(null);
    const quoted = await requestQuote.mutateAsync(input);
    setShown({ quote: quoted, idempotencyKey: crypto.randomUUID() });
  }

  const getQuote = form.onSubmit(fetchQuote);

  async function requote() {
    if (!quote) return;
    try {
      await fetchQuote({ fromWalletTypeId: quote.from.id, toWalletTypeId: quote.to.id, amount: values.amount });
    } catch (error) {
      setShown(null);
      setConfirmError(describeTrpcError(error).message);
    }
  }

  function confirm() {
    if (!shown) return;
    setConfirmError(null);
    confirmQuote.mutate(
      { quoteId: shown.quote.id, idempotencyKey: shown.idempotencyKey },
      {
        onSuccess: (result) => {
          setDone(result);
          setShown(null);
          form.reset({ amount: "" });
          void queryClient.invalidateQueries(trpc.exchange.wallets.pathFilter());
          void queryClient.invalidateQueries(trpc.wallet.pathFilter());
          toast.success("Exchange done", `${formatWalletAmount(result.quote.result, { currency: result.quote.to.currency, exponent: result.quote.to.exponent })} are in your ${result.quote.to.name} wallet.`);
        },
        onError: (error) => setConfirmError(describeTrpcError(error).message),
      },
    );
  }

  if (walletsQuery.isError && !walletsQuery.data) {
    return <QueryError what="your wallets" onRetry={() => void walletsQuery.refetch()} retrying={walletsQuery.isFetching} />;
  }
  if (!walletsQuery.data) return <Skeleton className="h-64 w-full" />;

  const stale = confirmError === STALE_QUOTE || (quote !== null && secondsLeft === 0);

  return (
    <div className="space-y-6">
      <WalletList wallets={wallets} />
      <Card aria-labelledby="exchange-heading" className="max-w-2xl">
        <CardHeader id="exchange-heading" title="Exchange" description="Move value between your own wallets at today's rate. You see the rate, fee and result before anything moves." />
        <CardBody className="space-y-5">
          {sources.length === 0 || targets.length === 0 ? (
            <FormAlert tone="info">None of your wallets can be exchanged at the moment.</FormAlert>
          ) : (
            <form className="grid gap-4 sm:grid-cols-2" noValidate onSubmit={getQuote}>
              {form.formError ? (
                <div className="sm:col-span-2">
                  <FormAlert>{form.formError}</FormAlert>
                </div>
              ) : null}
              <Field label="From" name="fromWalletTypeId" error={errors.fromWalletTypeId}>
                {(control) => (
                  <Select {...control} value={fromId} onChange={(event) => change("fromWalletTypeId", event.target.value)}>
                    {sources.map((wallet) => (
                      <option key={wallet.id} value={wallet.id}>
                        {walletLabel(wallet)}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field label="To" name="toWalletTypeId" error={errors.toWalletTypeId}>
                {(control) => (
                  <Select {...control} value={toId} onChange={(event) => change("toWalletTypeId", event.target.value)}>
                    {targets.map((wallet) => (
                      <option key={wallet.id} value={wallet.id}>
                        {walletLabel(wallet)}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field
                label={`Amount${from ? ` (${from.currency})` : ""}`}
                name="amount"
                error={errors.amount}
                hint={from ? (from.exponent === 0 ? "Whole units, fee included." : `Up to ${from.exponent} decimals, fee included.`) : undefined}
                className="sm:col-span-2"
              >
                {(control) => (
                  <Input {...control} inputMode="decimal" autoComplete="off" value={values.amount} onChange={(event) => change("amount", event.target.value)} />
                )}
              </Field>
              <div className="sm:col-span-2">
                <Button type="submit" variant={quote ? "secondary" : "primary"} loading={form.pending}>
                  Get quote
                </Button>
              </div>
            </form>
          )}

          {quote ? <Terms quote={quote} secondsLeft={secondsLeft} /> : null}
          {confirmError ? <FormAlert>{confirmError}</FormAlert> : null}
          {quote && !stale ? (
            <Button onClick={confirm} loading={confirmQuote.isPending} loadingText="Exchanging…">
              Confirm exchange
            </Button>
          ) : null}
          {stale && !done ? (
            <div className="space-y-2">
              {confirmError ? null : <FormAlert tone="info">{STALE_QUOTE}</FormAlert>}
              <Button onClick={() => void requote()} loading={requestQuote.isPending}>
                Get a new quote
              </Button>
            </div>
          ) : null}
          {done ? <Result done={done} onAgain={() => setDone(null)} /> : null}
        </CardBody>
      </Card>
    </div>
  );
}
