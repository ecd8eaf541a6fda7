import type { Metadata } from "next";
import { LedgerExplorer } from "@/components/ledger/ledger-explorer";
import { ALL_CURRENCIES, DEFAULT_LEDGER_CURRENCY } from "@/components/ledger/ledger-currency";
import { TransactionCard } from "@/components/ledger/transaction-card";
import { PageHeader } from "@/components/layout/page-header";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { isTransactionKind } from "@/components/wallet/transaction-kind";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Ledger" };

type RawParams = Record<string, string | string[] | undefined>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function first(raw: RawParams, key: string): string {
  const value = raw[key];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** One transaction by id: the explorer's page that ends just above it (ids only grow). */
async function SingleTransaction({ id }: { id: bigint }) {
  const { transactions } = await (await getServerApi()).ledger.explore({ cursor: id + 1n, limit: 1 });
  const transaction = transactions[0]?.id === id ? transactions[0] : undefined;
  return (
    <div className="space-y-4">
      <ButtonLink href="/admin/ledger" variant="ghost" size="sm">
        ← All transactions
      </ButtonLink>
      {transaction ? (
        <TransactionCard transaction={transaction} />
      ) : (
        <EmptyState title={`There is no transaction #${id.toString()}`} description="Check the number, or browse all transactions." />
      )}
    </div>
  );
}

export default async function LedgerPage({ searchParams }: { searchParams: Promise<RawParams> }) {
  await requireArea("admin");
  const raw = await searchParams;
  const transactionId = first(raw, "tx");
  const userId = first(raw, "user");
  const kind = first(raw, "kind");
  const currencies = (await (await getServerApi()).ledger.currencies()).map((currency) => currency.code);
  const currency = first(raw, "currency").toUpperCase();
  const filter = {
    userId: UUID.test(userId) ? userId.toLowerCase() : undefined,
    kind: isTransactionKind(kind) ? kind : undefined,
    currency: currency === ALL_CURRENCIES.toUpperCase() ? ALL_CURRENCIES : currencies.includes(currency) ? currency : DEFAULT_LEDGER_CURRENCY,
    from: first(raw, "from"),
    to: first(raw, "to"),
  };

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader title="Ledger" description="Every posting, newest first: each transaction with the entries that balance it." />
      <div className="mt-8">
        {/^\d{1,18}$/.test(transactionId) ? (
          <SingleTransaction id={BigInt(transactionId)} />
        ) : (
          // Remounted per filter, so the form's fields show what the URL now says.
          <LedgerExplorer key={JSON.stringify(filter)} filter={filter} currencies={currencies} />
        )}
      </div>
    </div>
  );
}
