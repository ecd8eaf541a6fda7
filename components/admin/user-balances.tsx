"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { AdjustBalanceAction } from "@/components/admin/adjust-balance-dialog";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { CREDITS } from "@/server/domain/ledger";
import { formatCredits, formatWalletAmount } from "@/server/domain/money";
import { CARD_TAB_WALLET, CREDITS_WALLET, EARNINGS_WALLET } from "@/server/domain/wallets";
import type { AdminUserDetails, UserWallet } from "@/server/services/books";

/** One balance on a card: what it is, its amount in its currency, and the button that adjusts exactly it. */
interface BalanceLine {
  key: string;
  label: string;
  hint: string;
  amount: bigint;
  currency: string;
  exponent: number;
  /** The adjustment target (a wallet type id, "pending" or "held") and its name in the dialog; null: not adjustable. */
  adjust: { id: string; name: string } | null;
}

interface BalanceGroup {
  key: string;
  title: string;
  currency: string;
  exponent: number;
  lines: BalanceLine[];
  note?: ReactNode;
}

function credits(key: string, label: string, hint: string, amount: bigint, adjust: BalanceLine["adjust"]): BalanceLine {
  return { key, label, hint, amount, currency: CREDITS, exponent: 0, adjust };
}

/**
 * The user's balances as cards, one per wallet, from the users table's read: the Earnings card also carries the
 * earnings still maturing (pending), and held credits get their own card, since one held account reserves both
 * Credits (live shows, card store orders) and Earnings (withdrawal requests). As on the user's own wallet page, a
 * member's empty Earnings wallet and the card tab wallet of someone who never opened a tab are left out.
 */
function balanceGroups(user: AdminUserDetails): BalanceGroup[] {
  const groups: BalanceGroup[] = [];
  const shown = (wallet: UserWallet) => {
    if (wallet.balance !== 0n) return true;
    if (wallet.id === EARNINGS_WALLET) return user.role === "PERFORMER";
    if (wallet.id === CARD_TAB_WALLET) return user.hasCardTab;
    return true;
  };
  let pendingShown = false;
  for (const wallet of user.wallets.filter(shown)) {
    const base = { key: wallet.id, title: wallet.name, currency: wallet.currency, exponent: wallet.exponent };
    const own = { currency: wallet.currency, exponent: wallet.exponent, amount: wallet.balance };
    if (wallet.id === EARNINGS_WALLET) {
      pendingShown = true;
      groups.push({
        ...base,
        lines: [
          { key: "earnings", label: "Available", hint: "Matured: what withdrawals draw on.", ...own, adjust: { id: wallet.id, name: wallet.name } },
          credits("pending", "Pending", "Their share of sales, maturing after the hold.", user.pending, { id: "pending", name: "Pending" }),
        ],
      });
    } else if (wallet.id === CARD_TAB_WALLET) {
      groups.push({
        ...base,
        lines: [{ key: wallet.id, label: "Left to spend", hint: "What the open tab's card authorisation still covers.", ...own, adjust: null }],
        note: (
          <>
            Funded only by a card authorisation, so it can&apos;t be adjusted; see{" "}
            <Link href="/admin/tabs" className="font-medium text-accent-700 hover:underline">
              Card tabs
            </Link>
            .
          </>
        ),
      });
    } else {
      const hint = wallet.id === CREDITS_WALLET ? "Bought or received: spendable, never withdrawable." : `Spendable ${wallet.name.toLowerCase()}.`;
      groups.push({ ...base, lines: [{ key: wallet.id, label: "Available", hint, ...own, adjust: { id: wallet.id, name: wallet.name } }] });
    }
  }
  if (!pendingShown && user.pending !== 0n) {
    groups.push({
      key: "pending",
      title: "Pending",
      currency: CREDITS,
      exponent: 0,
      lines: [credits("pending", "Pending", "Earnings maturing after the hold.", user.pending, { id: "pending", name: "Pending" })],
    });
  }
  const { count, credits: forWithdrawals } = user.openWithdrawals;
  groups.push({
    key: "held",
    title: "Held",
    currency: CREDITS,
    exponent: 0,
    lines: [credits("held", "Held", "Reserved for live shows, card store orders and withdrawal requests.", user.held, { id: "held", name: "Held" })],
    note:
      count > 0 ? (
        <>
          {formatCredits(forWithdrawals)} for {count === 1 ? "an open withdrawal" : `${count} open withdrawals`}
          {user.held !== forWithdrawals ? `, ${formatCredits(user.held - forWithdrawals)} for shows and orders` : ""}.{" "}
          <Link href={`/admin/withdrawals?status=ALL&performer=${encodeURIComponent(user.username)}`} className="font-medium text-accent-700 hover:underline">
            Their withdrawals
          </Link>
        </>
      ) : null,
  });
  return groups;
}

function Amount({ line, large }: { line: BalanceLine; large: boolean }) {
  return (
    <span className={cn("font-bold tracking-tight whitespace-nowrap tabular-nums", large ? "text-2xl" : "text-lg", line.amount < 0n && "text-red-700")}>
      {formatWalletAmount(line.amount, { currency: line.currency, exponent: line.exponent })}
    </span>
  );
}

function currencyText(group: BalanceGroup): string {
  if (group.currency === CREDITS) return "Credits (CRD), whole units";
  return `${group.currency}, ${group.exponent === 0 ? "whole units" : `${group.exponent} decimal${group.exponent === 1 ? "" : "s"}`}`;
}

function BalanceCard({ group, user, adjustable }: { group: BalanceGroup; user: AdminUserDetails; adjustable: boolean }) {
  const headingId = `balance-${group.key}`;
  return (
    <Card aria-labelledby={headingId} className="flex flex-col">
      <CardHeader
        id={headingId}
        as="h3"
        title={group.title}
        description={currencyText(group)}
        action={<Badge tone={group.currency === CREDITS ? "neutral" : "info"}>{group.currency}</Badge>}
      />
      <ul className="flex-1 divide-y divide-line">
        {group.lines.map((line, index) => (
          <li key={line.key} className="flex items-center justify-between gap-4 px-5 py-4 sm:px-6">
            <div className="min-w-0">
              <p className="text-sm font-medium">{line.label}</p>
              <p className="mt-0.5">
                <Amount line={line} large={index === 0} />
              </p>
              <p className="mt-1 text-xs text-muted">{line.hint}</p>
            </div>
            {line.adjust && adjustable ? (
              <div className="shrink-0">
                <AdjustBalanceAction user={user} wallet={line.adjust} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {group.note ? <p className="border-t border-line bg-subtle/50 px-5 py-3 text-xs text-muted sm:px-6">{group.note}</p> : null}
    </Card>
  );
}

/**
 * Every balance of one user, read with `ledger.user` (the users table's statement for that one user) and read
 * again whenever an adjustment invalidates the ledger queries. The server's first read is the initial data, so
 * the page never shows a skeleton; a failed refetch keeps the last balances on screen.
 */
export function UserBalances({ initial, adjustable }: { initial: AdminUserDetails; /** False on the admin's own page, as in the users table. */ adjustable: boolean }) {
  const trpc = useTRPC();
  const details = useQuery(trpc.ledger.user.queryOptions({ userId: initial.id }, { initialData: initial }));
  const user = details.data;
  return (
    <div className="space-y-4">
      {user.restricted ? (
        <div role="alert" className="rounded-card border border-amber-300 bg-amber-50 px-5 py-4 text-sm text-amber-900">
          <p className="font-semibold">Restricted</p>
          <p className="mt-1">A clawback left a balance below zero: their spending is refused until it is back at zero or more.</p>
        </div>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-busy={details.isFetching}>
        {balanceGroups(user).map((group) => (
          <BalanceCard key={group.key} group={group} user={user} adjustable={adjustable} />
        ))}
      </div>
    </div>
  );
}
