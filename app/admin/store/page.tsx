import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { ItemManager } from "@/components/store/item-manager";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Site store" };

export default async function AdminStorePage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Site store"
        description="Items Tipmeter sells itself: every credit of their sales is revenue. Performers manage their own items."
        actions={
          <ButtonLink href="/admin/orders" variant="secondary">
            All orders
          </ButtonLink>
        }
      />
      <div className="mt-8">
        <ItemManager scope="site" />
      </div>
    </div>
  );
}
