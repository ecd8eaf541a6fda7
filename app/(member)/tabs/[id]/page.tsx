import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/layout/page-header";
import { TabDetail } from "@/components/tabs/tab-detail";
import { TabRealtime } from "@/components/tabs/tab-realtime";
import { requireArea } from "@/server/auth/guards";
import { ADMINS_CHANNEL, publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Card tab" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One card tab for its member (also the pay page's return), its performer or an admin; live through tab.updated. */
export default async function TabPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireArea("member");
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const back =
    user.role === "ADMIN" ? { href: "/admin/tabs", label: "All card tabs" } : user.role === "PERFORMER" ? { href: "/performer/tabs", label: "Card tabs with you" } : { href: "/tabs", label: "Your card tabs" };
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <Link href={back.href} className="hover:underline">
            ← {back.label}
          </Link>
        }
        title="Card tab"
      />
      <TabRealtime config={publicPusherConfig()} channel={user.role === "ADMIN" ? ADMINS_CHANNEL : userChannel(user.id)} />
      <div className="mt-8">
        <TabDetail tabId={id} viewerId={user.id} />
      </div>
    </div>
  );
}
