import type { Metadata } from "next";
import Link from "next/link";
import { AccountSummary } from "@/components/account/account-summary";
import { PageHeader } from "@/components/layout/page-header";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { BalanceCards } from "@/components/wallet/balance-cards";
import { PurchaseHistory } from "@/components/wallet/purchase-history";
import { WalletOverview } from "@/components/wallet/wallet-overview";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Wallet" };

/**
 * The member's home: balances, then their wallets (the one chosen by `?wallet=<type id>`, so a reload keeps it)
 * with its uses and history, kept live by the wallet layout's realtime connection; then their account with
 * shortcuts beside it.
 */
export default async function WalletPage({ searchParams }: { searchParams: Promise<{ wallet?: string | string[] }> }) {
  const { wallet } = await searchParams;
  const user = await requireArea("member");
  const account = await (await getServerApi()).auth.me();

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={`Hi, ${user.displayName}`}
        title="Wallet"
        description="Your wallets, purchases and spending, all in one place."
        actions={
          <>
            <ButtonLink href="/wallet/transfer" variant="secondary">
              Send credits
            </ButtonLink>
            <ButtonLink href="/wallet/buy">Buy credits</ButtonLink>
          </>
        }
      />
      <BalanceCards className="mt-8" performer={account.role === "PERFORMER"} />
      <div className="mt-6">
        <WalletOverview requested={typeof wallet === "string" ? wallet : undefined} />
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <PurchaseHistory />
          <AccountSummary account={account} action={<ButtonLink href="/account" variant="secondary" size="sm">Manage</ButtonLink>} />
        </div>
        <aside className="space-y-6" aria-label="Shortcuts">
          <Card>
            <CardHeader title="Explore" as="h2" />
            <CardBody className="space-y-3 text-sm">
              <p className="text-muted">Find performers to tip, shows to join and content to unlock.</p>
              <Link href="/#performers" className="inline-block font-semibold text-accent-700 hover:underline">
                Browse performers →
              </Link>
            </CardBody>
          </Card>
          {account.role === "MEMBER" ? (
            <Card>
              <CardHeader title="Are you a creator?" as="h2" />
              <CardBody className="space-y-3 text-sm">
                <p className="text-muted">
                  {account.performerProfile?.status === "PENDING"
                    ? "Your performer application is waiting for review."
                    : "Apply to become a performer and start earning credits."}
                </p>
                <Link href="/account#performer-application" className="inline-block font-semibold text-accent-700 hover:underline">
                  {account.performerProfile ? "View application →" : "Apply as a performer →"}
                </Link>
              </CardBody>
            </Card>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
