import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { ExchangeForm } from "@/components/wallet/exchange-form";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Exchange" };

export default async function ExchangePage() {
  await requireArea("member");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <Link href="/wallet" className="hover:underline">
            ← Wallet
          </Link>
        }
        title="Exchange between your wallets"
        description="Turn credits into Dollars and back, at the rate an administrator sets. A quote holds for a short while; confirm it before it runs out."
      />
      <div className="mt-8">
        <ExchangeForm />
      </div>
    </div>
  );
}
