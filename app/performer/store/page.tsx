import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { ItemManager } from "@/components/store/item-manager";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Your store" };

export default async function PerformerStorePage() {
  await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Store"
        title="Your items"
        description="Sell merch you ship yourself or files members download. You earn your store share of every sale once it matures."
        actions={
          <ButtonLink href="/performer/orders" variant="secondary">
            Orders
          </ButtonLink>
        }
      />
      <div className="mt-8">
        <ItemManager scope="performer" />
      </div>
    </div>
  );
}
