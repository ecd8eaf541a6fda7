import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { StoreItemCard } from "@/components/store/store-item-card";
import { EmptyState } from "@/components/ui/empty-state";
import { getServerApi } from "@/server/api/server";

export const metadata: Metadata = { title: "Store" };

export default async function StorePage() {
  const items = await (await getServerApi()).store.catalogue();
  const siteItems = items.filter((item) => item.seller === null);
  const performerItems = items.filter((item) => item.seller !== null);

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Store"
        description="Merch from Tipmeter and goods from your favourite performers, paid with credits (and, if you like, partly by card)."
      />
      {items.length === 0 ? (
        <div className="mt-8">
          <EmptyState title="Nothing on sale yet" description="New items are on their way. Check back soon." />
        </div>
      ) : null}
      {siteItems.length > 0 ? (
        <section aria-labelledby="site-items-heading" className="mt-10">
          <h2 id="site-items-heading" className="text-xl font-semibold">
            From Tipmeter
          </h2>
          <ul className="mt-4 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
            {siteItems.map((item) => (
              <StoreItemCard key={item.id} item={item} />
            ))}
          </ul>
        </section>
      ) : null}
      {performerItems.length > 0 ? (
        <section aria-labelledby="performer-items-heading" className="mt-10">
          <h2 id="performer-items-heading" className="text-xl font-semibold">
            From performers
          </h2>
          <ul className="mt-4 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
            {performerItems.map((item) => (
              <StoreItemCard key={item.id} item={item} />
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
