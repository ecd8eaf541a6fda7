import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/layout/page-header";
import { LiveStatus } from "@/components/realtime/live-status";
import { OrderView } from "@/components/store/order-view";
import { FormAlert } from "@/components/ui/field";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";
import { ADMINS_CHANNEL, publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Order" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An order for its buyer (also Stripe Checkout's success and cancel page), its seller or an admin. */
export default async function OrderPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireArea("member");
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const order = await (await getServerApi()).store.order({ orderId: id }).catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const { session_id: returnedFromCheckout } = await searchParams;
  const back =
    order.buyer.id === user.id
      ? { href: "/orders", label: "All your orders" }
      : user.role === "ADMIN"
        ? { href: "/admin/orders", label: "All orders" }
        : { href: "/performer/orders", label: "Your sales" };

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow={
          <Link href={back.href} className="hover:underline">
            ← {back.label}
          </Link>
        }
        title={`Order #${order.id.slice(0, 8)}`}
        description={order.title}
      />
      {order.status === "AWAITING_PAYMENT" && order.awaitingCard && !returnedFromCheckout ? (
        <div className="mt-6">
          <FormAlert tone="info">The card payment isn&apos;t done yet. Pay by card to complete the order, or cancel it to release your credits.</FormAlert>
        </div>
      ) : null}
      {/* Admins hear about every order on their channel, their own purchases included. */}
      <LiveStatus config={publicPusherConfig()} channel={user.role === "ADMIN" ? ADMINS_CHANNEL : userChannel(user.id)} />
      <div className="mt-8">
        <OrderView initialOrder={order} back={back} />
      </div>
    </div>
  );
}
