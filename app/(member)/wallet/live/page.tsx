import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { LiveWalletSettings } from "@/components/wallet/live-wallet-settings";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Paying in live rooms" };

export default async function LiveWalletPage() {
  await requireArea("member");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <Link href="/wallet" className="hover:underline">
            ← Wallet
          </Link>
        }
        title="Paying in live rooms"
        description="Choose which wallet pays for tips and shows, and let it top itself up from another wallet during a show."
      />
      <div className="mt-8">
        <LiveWalletSettings />
      </div>
    </div>
  );
}
