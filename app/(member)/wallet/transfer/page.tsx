import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { TransferForm } from "@/components/transfers/transfer-form";
import { BalanceCards } from "@/components/wallet/balance-cards";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Send credits" };

export default async function TransferPage() {
  await requireArea("member");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <Link href="/wallet" className="hover:underline">
            ← Wallet
          </Link>
        }
        title="Send credits"
        description="Give credits to a friend or a performer by their username or email. You'll see the fee and the total before anything moves."
      />
      <BalanceCards className="mt-8" />
      <div className="mt-6 max-w-2xl">
        <TransferForm />
      </div>
    </div>
  );
}
