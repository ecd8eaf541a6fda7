import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { FormAlert } from "@/components/ui/field";
import { PackagePicker } from "@/components/wallet/package-picker";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Buy credits" };

export default async function BuyCreditsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireArea("member");
  const { cancelled } = await searchParams;

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <Link href="/wallet" className="hover:underline">
            ← Wallet
          </Link>
        }
        title="Buy credits"
        description="Pick a package and pay by card. Your credits land in your wallet as soon as the payment clears."
      />
      {cancelled ? (
        <div className="mt-6">
          <FormAlert tone="info">Checkout cancelled. Nothing was charged; pick a package whenever you&apos;re ready.</FormAlert>
        </div>
      ) : null}
      <div className="mt-8">
        <PackagePicker />
      </div>
      <p className="mt-8 text-sm text-muted">
        Payments are handled by Stripe. Credits don&apos;t expire and can be spent on tips, shows and content.
      </p>
    </div>
  );
}
