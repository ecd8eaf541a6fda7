"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { z } from "zod";
import { textAs, wholeNumber } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import { MAX_TOP_UPS_PER_DAY, autoTopUpSchema, setActiveWalletSchema } from "@/server/domain/active-wallet";
import { formatWalletAmount, parseUnits, plainUnits } from "@/server/domain/money";
import { CARD_TAB_WALLET } from "@/server/domain/wallets";
import type { LiveWalletChoice, WalletPreferences } from "@/server/services/wallet";

/**
 * "Paying in live rooms": which wallet pays for tips and shows, and the automatic top-up that refills it from
 * another wallet during a show. The server checks every rule again; its refusals land on the fields they name.
 */
export function LiveWalletSettings() {
  const trpc = useTRPC();
  const preferences = useQuery(trpc.walletPreferences.get.queryOptions());
  const balances = useQuery(trpc.wallet.balances.queryOptions());
  if (preferences.isError) return <QueryError what="your wallet settings" retrying={preferences.isFetching} onRetry={() => void preferences.refetch()} />;
  if (!preferences.data) return <Skeleton className="h-64" />;
  const data = preferences.data;
  // The live balances (wallet.updated) win over the ones read with the preferences, so every figure agrees.
  const wallets = data.wallets.map((wallet) => ({ ...wallet, balance: balances.data?.wallets[wallet.id] ?? wallet.balance }));
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <ActiveWalletForm key={`active:${data.activeWalletTypeId}`} preferences={data} wallets={wallets} />
      <AutoTopUpForm key={`top-up:${data.activeWalletTypeId}:${JSON.stringify(data.autoTopUp, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`} preferences={data} wallets={wallets} />
    </div>
  );
}

function usesText(wallet: LiveWalletChoice): string {
  if (wallet.paysForTips && wallet.paysForShows) return "Pays for tips and shows";
  return wallet.paysForTips ? "Pays for tips only" : "Pays for shows only";
}

function useSavePreferences() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (next: WalletPreferences) => queryClient.setQueryData(trpc.walletPreferences.get.queryKey(), next);
}

function ActiveWalletForm({ preferences, wallets }: { preferences: WalletPreferences; wallets: LiveWalletChoice[] }) {
  const trpc = useTRPC();
  const toast = useToast();
  const save = useSavePreferences();
  const setActive = useMutation(trpc.walletPreferences.setActive.mutationOptions());
  const form = useZodForm({ schema: setActiveWalletSchema, initial: { walletTypeId: preferences.activeWalletTypeId } });
  const choices = wallets.filter((wallet) => wallet.mayBeActive);

  const submit = form.onSubmit(async (input) => {
    const next = await setActive.mutateAsync(input);
    save(next);
    const chosen = next.wallets.find((wallet) => wallet.id === next.activeWalletTypeId);
    toast.success(`${chosen?.name ?? "That wallet"} pays in live rooms`, "Tips and the shows you start from now on are paid from it.");
  });

  return (
    <Card aria-labelledby="active-wallet-heading">
      <CardHeader
        id="active-wallet-heading"
        title="Wallet that pays"
        description="Tips and private and group shows are paid from this wallet. A show keeps the wallet it started with."
      />
      <CardBody>
        <form className="space-y-4" noValidate onSubmit={submit}>
          {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
          <fieldset className="space-y-2">
            <legend className="sr-only">Wallet that pays in live rooms</legend>
            {choices.map((wallet) => (
              <label key={wallet.id} className="flex cursor-pointer items-start gap-3 rounded-control border border-line px-3 py-2 has-[:checked]:border-accent-500 has-[:checked]:bg-subtle">
                <input
                  type="radio"
                  name="walletTypeId"
                  value={wallet.id}
                  className="mt-1"
                  checked={form.values.walletTypeId === wallet.id}
                  onChange={() => form.set("walletTypeId", wallet.id)}
                />
                <span className="min-w-0 flex-1">
                  <span className="flex flex-wrap items-baseline justify-between gap-2">
                    <span className="font-medium">{wallet.name}</span>
                    <span className="text-sm tabular-nums">{formatWalletAmount(wallet.balance, { currency: wallet.currency })}</span>
                  </span>
                  <span className="block text-sm text-muted">{usesText(wallet)}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {form.errors.walletTypeId ? <p className="text-sm text-red-700">{form.errors.walletTypeId}</p> : null}
          <Button type="submit" loading={form.pending} disabled={form.values.walletTypeId === preferences.activeWalletTypeId}>
            Save wallet
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}

/** The form's text read into the server's input: the threshold in the active wallet's units, the amount in the source's. */
function topUpFormSchema(wallets: readonly LiveWalletChoice[], activeExponent: number) {
  return z
    .object({
      sourceWalletTypeId: z.string().min(1, "Choose a wallet to top up from."),
      below: textAs((text) => parseUnits(text, activeExponent), "Enter an amount, like 100."),
      amount: z.string(),
      maxPerDay: textAs(wholeNumber, "Enter a whole number, like 3."),
    })
    .transform(({ amount, ...fields }, ctx) => {
      const exponent = wallets.find((wallet) => wallet.id === fields.sourceWalletTypeId)?.exponent ?? 0;
      const parsed = parseUnits(amount, exponent);
      if (parsed === null) {
        ctx.addIssue({ code: "custom", path: ["amount"], message: `Enter an amount, like ${exponent > 0 ? "10.00" : "100"}.` });
        return z.NEVER;
      }
      return { ...fields, amount: parsed };
    })
    .pipe(autoTopUpSchema);
}

function AutoTopUpForm({ preferences, wallets }: { preferences: WalletPreferences; wallets: LiveWalletChoice[] }) {
  const trpc = useTRPC();
  const toast = useToast();
  const save = useSavePreferences();
  const setRule = useMutation(trpc.walletPreferences.setAutoTopUp.mutationOptions());
  const clearRule = useMutation(trpc.walletPreferences.clearAutoTopUp.mutationOptions());
  const active = wallets.find((wallet) => wallet.id === preferences.activeWalletTypeId);
  // A card tab is funded by a card's authorisation only; it never tops another wallet up.
  const sources = wallets.filter((wallet) => wallet.mayBeSource && wallet.id !== preferences.activeWalletTypeId && wallet.id !== CARD_TAB_WALLET);
  const rule = preferences.autoTopUp;
  const ruleSource = rule ? wallets.find((wallet) => wallet.id === rule.sourceWalletTypeId) : undefined;
  const schema = useMemo(() => topUpFormSchema(wallets, active?.exponent ?? 0), [wallets, active?.exponent]);
  const form = useZodForm({
    schema,
    initial: {
      sourceWalletTypeId: rule?.sourceWalletTypeId ?? sources[0]?.id ?? "",
      below: rule ? plainUnits(rule.below, active?.exponent ?? 0) : "",
      amount: rule && ruleSource ? plainUnits(rule.amount, ruleSource.exponent) : "",
      maxPerDay: String(rule?.maxPerDay ?? 3),
    },
  });
  const source = wallets.find((wallet) => wallet.id === form.values.sourceWalletTypeId);

  const submit = form.onSubmit(async (input) => {
    save(await setRule.mutateAsync(input));
    toast.success("Automatic top-up is on", `Below the threshold during a show, ${source?.name ?? "the source"} tops up ${active?.name ?? "your wallet"}.`);
  });

  function turnOff() {
    clearRule.mutate(undefined, {
      onSuccess: (next) => {
        save(next);
        toast.success("Automatic top-up is off");
      },
    });
  }

  return (
    <Card aria-labelledby="top-up-heading">
      <CardHeader
        id="top-up-heading"
        title="Automatic top-up"
        description={`When ${active?.name ?? "the wallet that pays"} falls below a threshold during a show, move a set amount into it from another wallet, at most a few times a day. The room's Top up button moves the same amount at once.`}
      />
      <CardBody>
        {active && !active.mayBeToppedUp ? (
          <FormAlert tone="info">Your {active.name} wallet can&apos;t be topped up. Choose a wallet that can, like Credits, to use automatic top-up.</FormAlert>
        ) : sources.length === 0 ? (
          <FormAlert tone="info">None of your other wallets can top up {active?.name ?? "this wallet"}.</FormAlert>
        ) : (
          <form className="space-y-4" noValidate onSubmit={submit}>
            {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
            {rule ? (
              <p role="status" aria-label="Automatic top-up status" className="text-sm text-muted">
                On: {formatWalletAmount(rule.amount, { currency: ruleSource?.currency ?? "CRD" })} from {ruleSource?.name} when below{" "}
                {formatWalletAmount(rule.below, { currency: active?.currency ?? "CRD" })}; {preferences.autoTopUpsToday} of {rule.maxPerDay} used today.
              </p>
            ) : (
              <p role="status" aria-label="Automatic top-up status" className="text-sm text-muted">
                Off.
              </p>
            )}
            <Field label="Top up from" name="sourceWalletTypeId" error={form.errors.sourceWalletTypeId}>
              {(control) => (
                <Select {...control} value={form.values.sourceWalletTypeId} onChange={(event) => form.set("sourceWalletTypeId", event.target.value)}>
                  {sources.map((wallet) => (
                    <option key={wallet.id} value={wallet.id}>
                      {wallet.name} ({formatWalletAmount(wallet.balance, { currency: wallet.currency })})
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label="When the balance falls below" name="below" error={form.errors.below} hint={active ? `In ${active.currency === "CRD" ? "credits" : active.currency}, the balance of your ${active.name} wallet.` : undefined}>
              {(control) => <Input {...control} inputMode="decimal" autoComplete="off" value={form.values.below} onChange={(event) => form.set("below", event.target.value)} />}
            </Field>
            <Field
              label="Top up by"
              name="amount"
              error={form.errors.amount}
              hint={source ? `Taken from ${source.name}, in ${source.currency === "CRD" ? "credits" : source.currency}${source.currency !== active?.currency ? ", at the exchange rate in effect, less its fee" : ""}.` : undefined}
            >
              {(control) => <Input {...control} inputMode="decimal" autoComplete="off" value={form.values.amount} onChange={(event) => form.set("amount", event.target.value)} />}
            </Field>
            <Field label="At most, times a day" name="maxPerDay" error={form.errors.maxPerDay} hint={`1 to ${MAX_TOP_UPS_PER_DAY}. Counted by UTC day.`}>
              {(control) => (
                <Input {...control} type="number" min={1} max={MAX_TOP_UPS_PER_DAY} value={form.values.maxPerDay} onChange={(event) => form.set("maxPerDay", event.target.value)} />
              )}
            </Field>
            <div className="flex flex-wrap gap-2">
              <Button type="submit" loading={form.pending}>
                Save top-up
              </Button>
              {rule ? (
                <Button variant="secondary" loading={clearRule.isPending} onClick={turnOff}>
                  Turn off automatic top-up
                </Button>
              ) : null}
            </div>
          </form>
        )}
      </CardBody>
    </Card>
  );
}
