import type { Metadata } from "next";
import { WalletAdmin } from "@/components/admin/wallets/wallet-admin";
import { PageHeader } from "@/components/layout/page-header";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Wallets" };

export default async function WalletsPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Wallets"
        description="The kinds of wallet every user holds, what each may be used for, and the currencies they are in. A new active type opens a wallet for every user."
      />
      <div className="mt-8">
        <WalletAdmin />
      </div>
    </div>
  );
}
