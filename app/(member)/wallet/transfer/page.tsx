import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { TransferForm } from "@/components/transfers/transfer-form";
import { BalanceCards } from "@/components/wallet/balance-cards";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Send credits" };

/** `?from=<wallet type id>` preselects the wallet to send from (the wallet page's "Send from this wallet"). */
export default async function TransferPage({ searchParams }: { searchParams: Promise<{ from?: string | string[] }> }) {
  const user = await requireArea("member");
  const { from } = await searchParams;
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <Link href="/wallet" className="hover:underline">
            ← Wallet
          </Link>
        }
        title="Send credits"
        description="Give credits to a friend or a performer by their username or email. They always land in the recipient's Credits wallet. You'll see the fee and the total before anything moves."
      />
      <BalanceCards className="mt-8" performer={user.role === "PERFORMER"} />
      <div className="mt-6 max-w-2xl">
        <TransferForm from={typeof from === "string" && from ? from : undefined} />
      </div>
    </div>
  );
}
