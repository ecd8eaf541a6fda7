import type { Metadata } from "next";
import { BooksReport } from "@/components/admin/books-report";
import { CardSales } from "@/components/admin/card-sales";
import { CurrencyBooks } from "@/components/admin/currency-books";
import { PageHeader } from "@/components/layout/page-header";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Books" };

export default async function BooksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireArea("admin");
  const requested = (await searchParams).currency;
  const currency = typeof requested === "string" && /^[A-Za-z]{2,8}$/.test(requested) ? requested.toUpperCase() : "CRD";
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Books"
        description="The ledger's invariants: every transaction balances, balances match their entries, no credit is created or lost."
      />
      <div className="mt-8 space-y-8">
        <BooksReport />
        <CurrencyBooks key={currency} currency={currency} />
      </div>
      <div className="mt-8">
        <CardSales />
      </div>
    </div>
  );
}
