"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { LiveIndicator } from "@/components/realtime/live-indicator";
import { QueryError } from "@/components/wallet/query-error";
import { cn } from "@/components/ui/cn";
import { formatCredits } from "@/server/domain/money";

interface BalanceCardProps {
  label: string;
  hint: string;
  amount: bigint | undefined;
  primary?: boolean;
}

function BalanceCard({ label, hint, amount, primary = false }: BalanceCardProps) {
  const headingId = useId();
  return (
    <section
      aria-labelledby={headingId}
      className={cn(
        "min-w-0 rounded-card border p-4 shadow-card sm:p-5",
        primary && "col-span-2 sm:col-span-1",
        primary ? "border-transparent bg-night-900 text-white" : "border-line bg-surface",
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <h2 id={headingId} className={cn("text-sm font-medium", primary ? "text-night-300" : "text-muted")}>
          {label}
        </h2>
        {primary ? (
          <span className="text-night-300">
            <LiveIndicator />
          </span>
        ) : null}
      </div>
      {amount === undefined ? (
        <div aria-hidden="true" className={cn("mt-3 h-9 w-32 animate-pulse rounded-control", primary ? "bg-white/15" : "bg-line/80")} />
      ) : (
        <p className="mt-2 flex flex-wrap items-baseline gap-x-1.5">
          <span className={cn("font-bold tracking-tight tabular-nums", primary ? "text-4xl" : "text-2xl sm:text-3xl", amount < 0n && "text-red-500")}>
            {formatCredits(amount)}
          </span>
          <span className={cn("text-sm", primary ? "text-night-300" : "text-muted")}>credits</span>
        </p>
      )}
      <p className={cn("mt-2 text-xs", primary ? "text-night-300" : "text-muted")}>{hint}</p>
    </section>
  );
}

function RestrictedBanner() {
  return (
    <div role="alert" className="rounded-card border border-amber-300 bg-amber-50 px-5 py-4 text-sm text-amber-900">
      <p className="font-semibold">Your wallet is restricted until settled</p>
      <p className="mt-1">
        A card payment was reversed after its credits were spent, so your balance went below zero. Spending is paused
        until the balance is back to zero or more: buy credits to settle it.
      </p>
    </div>
  );
}

/**
 * The Credits wallet, a performer's Earnings wallet, and pending and held credits, kept live by the wallet's
 * realtime connection. Bought and received credits sit in Credits and can't be withdrawn; only Earnings can.
 */
export function BalanceCards({ className, performer = false }: { className?: string; performer?: boolean }) {
  const trpc = useTRPC();
  const balances = useQuery(trpc.wallet.balances.queryOptions());

  if (balances.isError) {
    return (
      <div className={className}>
        <QueryError what="your balance" onRetry={() => void balances.refetch()} retrying={balances.isFetching} />
      </div>
    );
  }
  const data = balances.data;
  return (
    <div className={cn("space-y-4", className)} aria-busy={balances.isPending}>
      {data?.restricted ? <RestrictedBanner /> : null}
      <div className={cn("grid grid-cols-2 gap-4", performer ? "lg:grid-cols-4" : "sm:grid-cols-3")}>
        <BalanceCard
          label="Credits"
          hint={
            performer
              ? "Bought or received: spend them on tips, shows and content. Credits can't be withdrawn."
              : "Ready to spend on tips, shows and content."
          }
          amount={data?.available}
          primary
        />
        {performer ? <BalanceCard label="Earnings" hint="Your share of sales: ready to withdraw." amount={data?.earnings} /> : null}
        <BalanceCard label="Pending" hint="On the way: earnings that haven't matured yet." amount={data?.pending} />
        <BalanceCard label="Held" hint={performer ? "Reserved for a live session or a withdrawal." : "Reserved for a live session or an order."} amount={data?.held} />
      </div>
    </div>
  );
}
