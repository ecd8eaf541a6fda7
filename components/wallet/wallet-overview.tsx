"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Skeleton } from "@/components/ui/skeleton";
import { formatWalletAmount } from "@/server/domain/money";
import { WalletHistory } from "@/components/wallet/wallet-history";
import { QueryError } from "@/components/wallet/query-error";
import type { AppRouter } from "@/server/api/root";
import { CARD_TAB_WALLET, CREDITS_WALLET } from "@/server/domain/wallets";

type OwnWallet = inferRouterOutputs<AppRouter>["wallet"]["wallets"][number];

/** The member's live card tab, shown beside the wallets as a link to its page (its wallet is not one to pick). */
interface LiveTab {
  id: string;
  stageName: string;
  balance: bigint;
}

/** The wallet named in the URL, else Credits (every user has it), else the first. */
export function selectedWallet<W extends { id: string }>(wallets: readonly W[], requested: string | undefined): W | undefined {
  return wallets.find((wallet) => wallet.id === requested) ?? wallets.find((wallet) => wallet.id === CREDITS_WALLET) ?? wallets[0];
}

/** Every wallet with its live balance: links, so the choice lives in the URL and survives a reload. */
function WalletSwitcher({ wallets, selectedId, tab }: { wallets: OwnWallet[]; selectedId: string; tab: LiveTab | null }) {
  return (
    <nav aria-label="Your wallets">
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {wallets.map((wallet) => {
          const selected = wallet.id === selectedId;
          return (
            <li key={wallet.id}>
              <Link
                href={`/wallet?wallet=${encodeURIComponent(wallet.id)}`}
                scroll={false}
                aria-current={selected ? "page" : undefined}
                className={cn(
                  "block rounded-card border px-4 py-3 shadow-card transition-colors",
                  selected ? "border-accent-500 bg-accent-50 ring-1 ring-accent-500" : "border-line bg-surface hover:border-line-strong",
                )}
              >
                <span className="flex items-center justify-between gap-2 text-sm font-semibold text-fg">
                  {wallet.name}
                  {wallet.currencyKind === "CREDITS" ? null : <span className="text-xs font-normal text-muted">{wallet.currencyName}</span>}
                </span>
                <span className={cn("mt-1 block text-lg font-bold tabular-nums", wallet.balance < 0n ? "text-red-700" : "text-fg")}>
                  {formatWalletAmount(wallet.balance, wallet)}
                </span>
              </Link>
            </li>
          );
        })}
        {tab ? (
          <li>
            <Link href={`/tabs/${tab.id}`} className="block rounded-card border border-dashed border-line-strong bg-surface px-4 py-3 shadow-card transition-colors hover:border-accent-500">
              <span className="flex items-center justify-between gap-2 text-sm font-semibold text-fg">
                Card tab
                <span className="text-xs font-normal text-muted">with {tab.stageName}</span>
              </span>
              <span className="mt-1 block text-lg font-bold tabular-nums text-fg">{formatWalletAmount(tab.balance, { currency: "CRD" })}</span>
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** The chosen wallet: its balance, what it can be used for in plain words, and where to move it. */
function WalletDetail({ wallet }: { wallet: OwnWallet }) {
  const headingId = `wallet-${wallet.id}-heading`;
  return (
    <Card aria-labelledby={headingId}>
      <CardHeader id={headingId} title={`${wallet.name} wallet`} description={wallet.description || undefined} />
      <CardBody className="grid gap-6 md:grid-cols-3">
        <div>
          <p className="text-sm text-muted">Balance</p>
          <p className={cn("mt-1 text-3xl font-bold tracking-tight tabular-nums", wallet.balance < 0n && "text-red-700")}>
            {formatWalletAmount(wallet.balance, wallet)}
          </p>
          {wallet.currencyKind === "CREDITS" ? null : <p className="mt-1 text-xs text-muted">In {wallet.currencyName}</p>}
        </div>
        <div className="md:col-span-2">
          <h3 className="text-sm font-semibold text-fg">What it can be used for</h3>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-muted" aria-label={`Uses of the ${wallet.name} wallet`}>
            {wallet.uses.map((use) => (
              <li key={use}>{use}</li>
            ))}
          </ul>
          <div className="mt-4 flex flex-wrap gap-2">
            {wallet.transferable && wallet.currencyKind === "CREDITS" ? (
              <ButtonLink href={`/wallet/transfer?from=${encodeURIComponent(wallet.id)}`} variant="secondary" size="sm">
                Send from this wallet
              </ButtonLink>
            ) : null}
            {wallet.withdrawable ? (
              <ButtonLink href="/performer/withdrawals" variant="secondary" size="sm">
                Withdraw
              </ButtonLink>
            ) : null}
            <ButtonLink href="/wallet/exchange" variant="secondary" size="sm">
              Exchange
            </ButtonLink>
            <ButtonLink href="/wallet/live" variant="secondary" size="sm">
              Live rooms wallet
            </ButtonLink>
          </div>
        </div>
      </CardBody>
    </Card>
  );
}

/**
 * The wallet page's body: a switcher over every wallet the member has, the chosen one's balance and uses, and its
 * history. Balances come from the wallet.updated event through the balances query, so they change live.
 */
export function WalletOverview({ requested }: { requested: string | undefined }) {
  const trpc = useTRPC();
  const wallets = useQuery(trpc.wallet.wallets.queryOptions());
  const balances = useQuery(trpc.wallet.balances.queryOptions());
  const liveTab = useQuery(trpc.tabs.mine.queryOptions());

  if (wallets.isError) return <QueryError what="your wallets" onRetry={() => void wallets.refetch()} retrying={wallets.isFetching} />;
  if (!wallets.data) {
    return (
      <div className="space-y-4" role="status">
        <span className="sr-only">Loading your wallets…</span>
        <Skeleton className="h-20 w-full" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }
  // Every user has the built-in card tab wallet; it holds something only while a tab is open, and is reached through the tab.
  const live = wallets.data
    .filter((wallet) => wallet.id !== CARD_TAB_WALLET)
    .map((wallet) => ({ ...wallet, balance: balances.data?.wallets[wallet.id] ?? wallet.balance }));
  const selected = selectedWallet(live, requested);
  if (!selected) return null;
  const tab = liveTab.data && liveTab.data.status !== "OPENING" ? liveTab.data : null;
  return (
    <div className="space-y-6">
      <WalletSwitcher
        wallets={live}
        selectedId={selected.id}
        tab={tab ? { id: tab.id, stageName: tab.stageName, balance: balances.data?.wallets[CARD_TAB_WALLET] ?? tab.left } : null}
      />
      <WalletDetail wallet={selected} />
      <WalletHistory key={selected.id} wallet={selected} />
    </div>
  );
}
