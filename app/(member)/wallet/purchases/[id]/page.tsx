import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PurchaseStatus } from "@/components/wallet/purchase-status";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Your purchase" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stripe Checkout's success_url. The first status comes with the page; the client follows it from there. */
export default async function PurchasePage({ params }: { params: Promise<{ id: string }> }) {
  await requireArea("member");
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const purchase = await (await getServerApi()).wallet.purchase({ purchaseId: id }).catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  });

  return (
    <div className="container-page py-8 sm:py-12">
      <PurchaseStatus initialPurchase={purchase} />
    </div>
  );
}
