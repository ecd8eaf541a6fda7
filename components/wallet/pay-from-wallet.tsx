"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { cn } from "@/components/ui/cn";
import { formatCredits } from "@/server/domain/money";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import type { WalletPurpose } from "@/server/generated/prisma/enums";

export interface PayingWalletOption {
  id: string;
  name: string;
  balance: bigint;
  storeShareCapBps: number;
}

/**
 * The member's wallets that may pay for `purpose`, with their balances, and the one chosen: the member's choice
 * while it is still on offer, else Credits (or the first on offer). Balances come from the same answer as the
 * list, so what a picker shows agrees with the wallet that pays. `performerId` names who is paid, so a card tab
 * open with them is offered too.
 */
export function usePayingWallets(purpose: WalletPurpose, chosenId: string | null, enabled = true, performerId?: string) {
  const trpc = useTRPC();
  const query = useQuery(trpc.spending.wallets.queryOptions({ purpose, performerId }, { enabled }));
  const options = query.data ?? [];
  const chosen =
    options.find((wallet) => wallet.id === chosenId) ?? options.find((wallet) => wallet.id === CREDITS_WALLET) ?? options[0] ?? null;
  return { query, options, chosen };
}

interface WalletPickerProps {
  options: readonly PayingWalletOption[];
  value: string | null;
  onChange: (walletTypeId: string) => void;
  /** A line under a wallet's name, e.g. the store share it may pay. */
  note?: (wallet: PayingWalletOption) => string | null;
  className?: string;
}

/** "Pay from": one radio per wallet with its balance; nothing at all when only one wallet can pay. */
export function WalletPicker({ options, value, onChange, note, className }: WalletPickerProps) {
  const name = useId();
  if (options.length < 2) return null;
  return (
    <fieldset className={cn("space-y-2", className)}>
      <legend className="text-sm font-medium text-fg">Pay from</legend>
      {options.map((wallet) => {
        const extra = note?.(wallet);
        return (
          <label
            key={wallet.id}
            className={cn(
              "flex cursor-pointer items-start gap-3 rounded-control border p-3 text-sm",
              wallet.id === value ? "border-accent-600 bg-accent-50" : "border-line",
            )}
          >
            <input
              type="radio"
              name={name}
              value={wallet.id}
              checked={wallet.id === value}
              onChange={() => onChange(wallet.id)}
              className="mt-0.5"
              aria-label={`${wallet.name}: ${formatCredits(wallet.balance)} credits`}
            />
            <span className="flex-1">
              <span className="flex justify-between gap-3">
                <span className="font-semibold">{wallet.name}</span>
                <span className="tabular-nums">{formatCredits(wallet.balance)} credits</span>
              </span>
              {extra ? <span className="block text-muted">{extra}</span> : null}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
