import type { Metadata } from "next";
import { BooksReport } from "@/components/admin/books-report";
import { CardSales } from "@/components/admin/card-sales";
import { PageHeader } from "@/components/layout/page-header";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Books" };

export default async function BooksPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Books"
        description="The ledger's invariants: every transaction balances, balances match their entries, no credit is created or lost."
      />
      <div className="mt-8">
        <BooksReport />
      </div>
      <div className="mt-8">
        <CardSales />
      </div>
    </div>
  );
}
