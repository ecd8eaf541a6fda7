import Link from "next/link";
import { cn } from "@/components/ui/cn";
import { SignedCredits } from "@/components/wallet/credit-amount";
import { KindBadge } from "@/components/wallet/transaction-kind";
import type { AccountType } from "@/server/generated/prisma/enums";
import { formatWalletAmount } from "@/server/domain/money";
import { CREDITS } from "@/server/domain/ledger";
import type { ExplorerEntry, ExplorerTransaction } from "@/server/services/books";

const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

const ACCOUNT_TYPE_LABELS: Record<AccountType, string> = {
  AVAILABLE: "Credits",
  EARNINGS: "Earnings",
  WALLET: "Wallet",
  PENDING: "Pending",
  HELD: "Held",
  REVENUE: "Revenue",
  GATEWAY_CLEARING: "Gateway clearing",
  ADJUSTMENTS: "Adjustments",
  PAYOUT_CLEARING: "Payout clearing",
  RECEIVABLES: "Receivables",
  BAD_DEBT: "Bad debt",
  FEES: "Fees",
  EXCHANGE: "Exchange",
};

/** What an entry's account is, in words: "Dollars wallet", "Pending", "Revenue". */
export function entryAccountLabel(entry: ExplorerEntry): string {
  return entry.wallet ? `${entry.wallet} wallet` : ACCOUNT_TYPE_LABELS[entry.accountType];
}

/** Credits as the rest of the admin shows them; any other currency in its own units with its code. */
export function EntryAmount({ entry }: { entry: ExplorerEntry }) {
  if (entry.currency === CREDITS) return <SignedCredits amount={entry.amount} />;
  return (
    <span className={cn("font-semibold whitespace-nowrap tabular-nums", entry.amount > 0n ? "text-emerald-700" : "text-red-700")}>
      {entry.amount > 0n ? "+" : ""}
      {formatWalletAmount(entry.amount, { currency: entry.currency, exponent: entry.exponent })}
    </span>
  );
}

export function transactionHref(id: bigint): string {
  return `/admin/ledger?tx=${id.toString()}`;
}

/** One ledger transaction with its entries: who each leg belongs to, the account's code, the signed amount. */
export function TransactionCard({ transaction }: { transaction: ExplorerTransaction }) {
  const headingId = `transaction-${transaction.id.toString()}`;
  return (
    <article aria-labelledby={headingId} className="rounded-card border border-line bg-surface shadow-card">
      <header className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 border-b border-line px-5 py-4">
        <div className="min-w-0 space-y-1">
          <h3 id={headingId} className="flex flex-wrap items-center gap-2 font-semibold">
            <Link href={transactionHref(transaction.id)} className="font-mono text-sm text-accent-700 hover:underline">
              #{transaction.id.toString()}
            </Link>
            <span className="break-words">{transaction.description}</span>
          </h3>
          <p className="text-xs break-all text-muted">
            <time dateTime={transaction.createdAt.toISOString()}>{dateTimeFormat.format(transaction.createdAt)}</time> · key{" "}
            <span className="font-mono">{transaction.idempotencyKey}</span>
          </p>
          {transaction.actor ? (
            <p className="text-sm text-muted">
              {transaction.kind === "ADJUSTMENT" ? "Adjusted by" : "By"} <span className="font-medium text-fg">{transaction.actor.displayName}</span>{" "}
              <span className="break-all">({transaction.actor.email})</span>
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {transaction.reversesId !== null ? (
            <Link href={transactionHref(transaction.reversesId)} className="text-sm font-medium text-accent-700 hover:underline">
              Reverses #{transaction.reversesId.toString()}
            </Link>
          ) : null}
          <KindBadge kind={transaction.kind} />
        </div>
      </header>
      <ul aria-label={`Entries of transaction ${transaction.id.toString()}`} className="divide-y divide-line">
        {transaction.entries.map((entry) => (
          <li key={entry.id.toString()} className="flex items-start justify-between gap-4 px-5 py-2.5 text-sm">
            <div className="min-w-0">
              <p className="font-medium">
                {entry.owner ?? "Tipmeter"}{" "}
                <span className="font-normal text-muted">
                  · {entryAccountLabel(entry)} · {entry.currency}
                </span>
              </p>
              <p className="font-mono text-xs break-all text-muted">{entry.account}</p>
            </div>
            <EntryAmount entry={entry} />
          </li>
        ))}
      </ul>
    </article>
  );
}
