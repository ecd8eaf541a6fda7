import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { BuyPanel } from "@/components/store/buy-panel";
import { KindBadge, StockBadge, sellerName } from "@/components/store/store-item-card";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { getCurrentUser } from "@/server/auth/session";
import { formatCredits } from "@/server/domain/money";

type Params = Promise<{ id: string }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shared by generateMetadata and the page within one request. */
const loadItem = cache(async (id: string) => {
  if (!UUID.test(id)) notFound();
  try {
    return await (await getServerApi()).store.item({ itemId: id });
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const item = await loadItem((await params).id);
  return { title: item.title, description: item.description.slice(0, 160) || undefined };
}

export default async function StoreItemPage({ params }: { params: Params }) {
  const item = await loadItem((await params).id);
  const [viewer, terms] = await Promise.all([getCurrentUser(), (await getServerApi()).store.paymentTerms()]);
  const signInHref = `/sign-in?${new URLSearchParams({ callbackUrl: `/store/${item.id}` }).toString()}`;

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <Link href="/store" className="hover:underline">
            ← Store
          </Link>
        }
        title={item.title}
        description={
          <>
            by{" "}
            {item.seller ? (
              <Link href={`/p/${item.seller.username}`} className="font-medium text-fg hover:underline">
                {sellerName(item.seller)}
              </Link>
            ) : (
              sellerName(item.seller)
            )}
          </>
        }
      />
      <div className="mt-8 grid gap-6 lg:grid-cols-3 lg:items-start">
        <Card className="lg:col-span-2" aria-labelledby="item-details-heading">
          <CardHeader id="item-details-heading" title="About this item" action={<StockBadge stock={item.stock} />} />
          <CardBody className="space-y-4">
            <div className="flex flex-wrap items-center gap-3">
              <KindBadge kind={item.kind} />
              <p className="flex items-baseline gap-1.5">
                <span className="text-3xl font-bold tabular-nums">{formatCredits(item.price)}</span>
                <span className="text-muted">credits</span>
              </p>
            </div>
            {item.description ? (
              <p className="leading-relaxed whitespace-pre-line">{item.description}</p>
            ) : (
              <p className="text-muted">No description.</p>
            )}
            {item.kind === "DIGITAL" && item.fileName ? (
              <p className="text-sm text-muted">You download {item.fileName} from your order page right after paying.</p>
            ) : null}
          </CardBody>
        </Card>
        <BuyPanel
          item={item}
          terms={terms}
          signedIn={viewer !== null}
          signInHref={signInHref}
          ownItem={viewer !== null && item.seller?.id === viewer.id}
        />
      </div>
    </div>
  );
}
