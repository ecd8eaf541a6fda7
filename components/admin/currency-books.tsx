"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { usePathname, useRouter } from "next/navigation";
import { useId } from "react";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import type { AppRouter } from "@/server/api/root";
import { formatWalletAmount } from "@/server/domain/money";
import type { AccountType } from "@/server/generated/prisma/enums";

type Books = inferRouterOutputs<AppRouter>["ledger"]["currencyBooks"];
type Total = Books["totals"][number];

const ACCOUNT_LABELS: Record<AccountType, string> = {
  AVAILABLE: "Users' Credits wallets",
  EARNINGS: "Users' Earnings wallets",
  WALLET: "Users' other wallets",
  PENDING: "Pending earnings",
  HELD: "Held for shows and withdrawals",
  REVENUE: "Platform revenue",
  GATEWAY_CLEARING: "Gateway clearing (card money in)",
  ADJUSTMENTS: "Adjustments",
  PAYOUT_CLEARING: "Payout clearing (paid out)",
  RECEIVABLES: "Receivables (post-pay)",
  BAD_DEBT: "Bad debt (unpaid tabs, card money taken back)",
  FEES: "Fees",
  EXCHANGE: "Exchange (liquidity)",
};

function labelOf(total: Total): string {
  if (total.walletName && !total.system) return `Users' ${total.walletName} wallets`;
  return ACCOUNT_LABELS[total.type];
}

function columns(books: Books): Column<Total>[] {
  const { code, exponent } = books.currency;
  return [
    { key: "account", header: "Kind of account", className: "font-medium", cell: labelOf, sortValue: labelOf },
    { key: "owner", header: "Held by", cell: (row) => (row.system ? "Platform" : "Users"), sortValue: (row) => (row.system ? 1 : 0) },
    { key: "count", header: "How many", align: "right", className: "tabular-nums", cell: (row) => row.accounts.toLocaleString("en"), sortValue: (row) => row.accounts },
    { key: "balance", header: `Balance (${code})`, align: "right", className: "tabular-nums", cell: (row) => formatWalletAmount(row.balance, { currency: code, exponent: exponent }), sortValue: (row) => row.balance },
  ];
}

/** One currency's books: totals by kind of account in that currency only, and whether they sum to zero. */
export function CurrencyBooks({ currency }: { currency: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const id = useId();
  const currencies = useQuery(trpc.ledger.currencies.queryOptions());
  const books = useQuery(trpc.ledger.currencyBooks.queryOptions({ currency }, { staleTime: 0 }));

  return (
    <Card aria-labelledby={`${id}-heading`}>
      <CardHeader
        id={`${id}-heading`}
        title="Totals by currency"
        description="Each currency has its own books: amounts in two currencies are never added together. Exchanges pass through each currency's exchange account."
        action={
          <div className="flex items-center gap-2">
            <label htmlFor={`${id}-currency`} className="text-sm font-medium">
              Currency
            </label>
            <Select id={`${id}-currency`} value={currency} onChange={(event) => router.replace(`${pathname}?currency=${event.target.value}`)} className="w-40">
              {(currencies.data ?? [{ code: currency, name: currency }]).map((option) => (
                <option key={option.code} value={option.code}>
                  {option.code} · {option.name}
                </option>
              ))}
            </Select>
          </div>
        }
      />
      <CardBody className="space-y-4">
        {books.data ? (
          <p className="text-sm" role="status">
            All {books.data.currency.code} accounts together: <strong>{formatWalletAmount(books.data.sum, { currency: books.data.currency.code, exponent: books.data.currency.exponent })}</strong>{" "}
            {books.data.sum === 0n ? <Badge tone="success">Balanced</Badge> : <Badge tone="danger">Out of balance</Badge>}
          </p>
        ) : null}
        <DataTable
          bare
          rows={books.data?.totals}
          failed={books.isError ? { onRetry: () => void books.refetch(), retrying: books.isFetching } : null}
          columns={books.data ? columns(books.data) : []}
          rowKey={(row) => `${row.type}:${row.walletTypeId ?? ""}:${row.system}`}
          caption={`Accounts in ${currency} by kind`}
          what="kinds of account"
          empty={{ title: `No ${currency} accounts yet`, description: "Accounts open as wallets in this currency are used." }}
        />
      </CardBody>
    </Card>
  );
}
