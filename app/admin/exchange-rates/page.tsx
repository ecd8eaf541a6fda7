import type { Metadata } from "next";
import { ExchangeRates } from "@/components/admin/exchange-rates";
import { PageHeader } from "@/components/layout/page-header";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Exchange rates" };

export default async function ExchangeRatesPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Exchange rates"
        description="What members get when they exchange between wallets in different currencies: every version of every pair, newest first."
      />
      <div className="mt-8">
        <ExchangeRates />
      </div>
    </div>
  );
}
