"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useRef, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { useWalletRealtime } from "@/components/realtime/use-wallet-realtime";
import { Button, ButtonLink } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { cn } from "@/components/ui/cn";
import { formatWalletAmount } from "@/server/domain/money";
import type { WalletToppedUpPayload } from "@/server/domain/realtime-events";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

/** "Topped up 100 credits from Dollars": what reached the active wallet, and from where. */
export function toppedUpText(payload: WalletToppedUpPayload): string {
  return `Topped up ${formatWalletAmount(BigInt(payload.result), { currency: payload.toCurrency })} from ${payload.fromWallet}.`;
}

interface Notice {
  tone: "success" | "warning";
  text: string;
}

/**
 * The wallet that pays in this room, for the tip panel and the show panel: its name and balance, live from
 * `wallet.updated` (the same query the wallet pages read, so every figure on screen agrees), a way to change it,
 * the Top up button, and the notice of a top-up (automatic or not) or of one that could not run.
 */
export function PayingWalletBar({ config, channel, className }: { config: PublicPusherConfig; channel: string; className?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const preferences = useQuery(trpc.walletPreferences.get.queryOptions());
  const balances = useQuery(trpc.wallet.balances.queryOptions());
  const setActive = useMutation(trpc.walletPreferences.setActive.mutationOptions());
  const topUp = useMutation(trpc.walletPreferences.topUpNow.mutationOptions());
  const [notice, setNotice] = useState<Notice | null>(null);
  // One key per intended top-up: a retry after a lost response reuses it, so the move happens once.
  const topUpKey = useRef(crypto.randomUUID());
  const selectId = useId();

  const refreshPreferences = () => void queryClient.invalidateQueries(trpc.walletPreferences.get.pathFilter());
  useWalletRealtime({
    config,
    channel,
    on: {
      "wallet.topped_up": (payload) => {
        setNotice({ tone: "success", text: toppedUpText(payload) });
        refreshPreferences();
        // A running show's "Balance left" counts the paying wallet: read it again so it agrees with the balance here.
        void queryClient.invalidateQueries(trpc.shows.meter.pathFilter());
      },
      "wallet.top_up_refused": (payload) => setNotice({ tone: "warning", text: payload.message }),
    },
  });

  const data = preferences.data;
  const active = data?.wallets.find((wallet) => wallet.id === data.activeWalletTypeId);
  const choices = data?.wallets.filter((wallet) => wallet.mayBeActive) ?? [];
  const balance = active ? (balances.data?.wallets[active.id] ?? active.balance) : null;
  const source = data?.autoTopUp ? data.wallets.find((wallet) => wallet.id === data.autoTopUp?.sourceWalletTypeId) : undefined;

  function choose(walletTypeId: string) {
    setNotice(null);
    setActive.mutate(
      { walletTypeId },
      {
        onSuccess: (next) => {
          queryClient.setQueryData(trpc.walletPreferences.get.queryKey(), next);
          const chosen = next.wallets.find((wallet) => wallet.id === next.activeWalletTypeId);
          toast.success(`${chosen?.name ?? "That wallet"} pays now`, "Tips and shows you start from now on are paid from it.");
        },
        onError: (error) => toast.error("Wallet not changed", describeTrpcError(error).message),
      },
    );
  }

  function topUpNow() {
    setNotice(null);
    topUp.mutate(
      { idempotencyKey: topUpKey.current },
      {
        onSuccess: () => {
          topUpKey.current = crypto.randomUUID();
          void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
          refreshPreferences();
        },
        onError: (error) => {
          topUpKey.current = crypto.randomUUID();
          setNotice({ tone: "warning", text: describeTrpcError(error).message });
        },
      },
    );
  }

  return (
    <section aria-label="Paying wallet" className={cn("space-y-2 rounded-control bg-subtle px-3 py-2 text-sm", className)}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <span className="text-muted">
          Paying from {active ? <span className="font-medium text-fg">{active.name}</span> : "…"}
        </span>
        <output aria-label="Your balance" aria-live="polite" className="font-semibold text-fg tabular-nums">
          {active && balance !== null ? formatWalletAmount(balance, { currency: active.currency }) : "…"}
        </output>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={selectId} className="sr-only">
          Wallet that pays
        </label>
        <Select
          id={selectId}
          className="w-auto min-w-0 flex-1 py-1 text-sm"
          value={data?.activeWalletTypeId ?? ""}
          disabled={!data || setActive.isPending}
          onChange={(event) => choose(event.target.value)}
        >
          {choices.map((wallet) => (
            <option key={wallet.id} value={wallet.id}>
              {wallet.name}
            </option>
          ))}
        </Select>
        {data?.autoTopUp && source ? (
          <Button size="sm" variant="secondary" loading={topUp.isPending} onClick={topUpNow}>
            Top up
          </Button>
        ) : (
          <ButtonLink size="sm" variant="secondary" href="/wallet/live">
            Set up top-up
          </ButtonLink>
        )}
      </div>
      {data?.autoTopUp && source ? (
        <p className="text-xs text-muted">
          Top up moves {formatWalletAmount(data.autoTopUp.amount, { currency: source.currency })} from {source.name}.{" "}
          <Link href="/wallet/live" className="underline">
            Top-up settings
          </Link>
        </p>
      ) : null}
      {notice ? (
        <p
          role="status"
          aria-label="Top-up notice"
          className={cn("rounded-control px-2 py-1", notice.tone === "success" ? "bg-emerald-50 text-emerald-900" : "bg-amber-50 text-amber-900")}
        >
          {notice.text}
        </p>
      ) : null}
    </section>
  );
}
