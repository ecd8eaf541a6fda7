"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type Column, DataTable } from "@/components/kit/data-table";
import { EntryAmount, entryAccountLabel, transactionHref } from "@/components/ledger/transaction-card";
import { useTRPC } from "@/components/providers/trpc";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { KindBadge } from "@/components/wallet/transaction-kind";
import type { ExplorerTransaction } from "@/server/services/books";

const PAGE_SIZE = 10;

const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** The user's own legs of a transaction: what it did to their balances, not the platform's side of it. */
function ownEntries(transaction: ExplorerTransaction, userId: string) {
  return transaction.entries.filter((entry) => entry.ownerId === userId);
}

function columns(userId: string): Column<ExplorerTransaction>[] {
  return [
    {
      key: "transaction",
      header: "Transaction",
      cell: (transaction) => (
        <div className="max-w-[26rem] min-w-0">
          <Link href={transactionHref(transaction.id)} className="font-mono text-sm text-accent-700 hover:underline">
            #{transaction.id.toString()}
          </Link>
          <p className="truncate text-sm" title={transaction.description}>
            {transaction.description}
          </p>
        </div>
      ),
    },
    { key: "kind", header: "Kind", cell: (transaction) => <KindBadge kind={transaction.kind} /> },
    {
      key: "wallet",
      header: "Wallet",
      cell: (transaction) => (
        <ul className="space-y-1">
          {ownEntries(transaction, userId).map((entry) => (
            <li key={entry.id.toString()} className="whitespace-nowrap">
              {entryAccountLabel(entry)} <span className="text-muted">· {entry.currency}</span>
            </li>
          ))}
        </ul>
      ),
    },
    {
      key: "amount",
      header: "Amount",
      align: "right",
      cell: (transaction) => (
        <ul className="space-y-1">
          {ownEntries(transaction, userId).map((entry) => (
            <li key={entry.id.toString()}>
              <EntryAmount entry={entry} />
            </li>
          ))}
        </ul>
      ),
    },
    {
      key: "date",
      header: "Date",
      className: "whitespace-nowrap text-muted",
      cell: (transaction) => <time dateTime={transaction.createdAt.toISOString()}>{dateTimeFormat.format(transaction.createdAt)}</time>,
    },
  ];
}

function TransactionListCard({ transaction, userId }: { transaction: ExplorerTransaction; userId: string }) {
  return (
    <div className="min-w-0 flex-1 space-y-1.5">
      <div className="flex flex-wrap items-center gap-2">
        <Link href={transactionHref(transaction.id)} className="font-mono text-sm text-accent-700 hover:underline">
          #{transaction.id.toString()}
        </Link>
        <KindBadge kind={transaction.kind} />
        <time dateTime={transaction.createdAt.toISOString()} className="text-xs text-muted">
          {dateTimeFormat.format(transaction.createdAt)}
        </time>
      </div>
      <p className="text-sm break-words">{transaction.description}</p>
      <ul className="space-y-1 text-sm">
        {ownEntries(transaction, userId).map((entry) => (
          <li key={entry.id.toString()} className="flex justify-between gap-3">
            <span>
              {entryAccountLabel(entry)} <span className="text-muted">· {entry.currency}</span>
            </span>
            <EntryAmount entry={entry} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The user's ledger transactions in every currency, newest first, ten at a time: the ledger explorer's query
 * filtered to them, each with their own legs only; the explorer has the whole posting.
 */
export function UserTransactions({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const explorer = useInfiniteQuery(
    trpc.ledger.explore.infiniteQueryOptions({ userId, limit: PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  const transactions = explorer.data?.pages.flatMap((page) => page.transactions);
  const headingId = "user-transactions";
  return (
    <Card aria-labelledby={headingId} className="overflow-hidden">
      <CardHeader
        id={headingId}
        title="Recent transactions"
        description="Newest first, every currency: what each posting did to this user's balances."
        action={
          <ButtonLink href={`/admin/ledger?user=${userId}&currency=all`} variant="secondary" size="sm">
            Open in the ledger
          </ButtonLink>
        }
      />
      <DataTable
        bare
        dense
        rows={transactions}
        columns={columns(userId)}
        rowKey={(transaction) => transaction.id.toString()}
        caption="The user's ledger transactions, newest first"
        what="transactions"
        failed={explorer.isError && !explorer.data ? { onRetry: () => void explorer.refetch(), retrying: explorer.isFetching } : null}
        empty={{ title: "No transactions yet", description: "Postings appear here as this user's credits move." }}
        card={(transaction) => <TransactionListCard transaction={transaction} userId={userId} />}
        cardsLabel="Transactions, newest first"
        pageSize={1000}
      />
      {explorer.hasNextPage ? (
        <div className="border-t border-line px-5 py-4 text-center sm:px-6">
          {explorer.isFetchNextPageError ? (
            <p role="alert" className="mb-3 text-sm text-red-700">
              We couldn&apos;t load more transactions. Try again.
            </p>
          ) : null}
          <Button variant="secondary" size="sm" onClick={() => void explorer.fetchNextPage()} loading={explorer.isFetchingNextPage} loadingText="Loading…">
            Load more
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
