import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { type ShippingAddress, addressLines } from "@/server/domain/store";
import { formatMinor } from "@/server/domain/money";
import { statusAfterPayment } from "@/server/domain/store-orders";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { env } from "@/server/env";
import type { OutgoingEmail } from "@/server/integrations/email";
import { appLink, creditsText as credits, renderEmail } from "../emails/template";
import { ADMINS_CHANNEL, userChannel } from "@/server/domain/realtime-events";
import { type OutboxMessage, enqueue } from "@/server/outbox/messages";
import { realtimeEvent } from "@/server/outbox/realtime";
import { selectOrderFacts } from "./order-queries";

/**
 * What people hear about a store order when it changes: emails to the buyer (receipt, shipped, delivered,
 * refunded, cancelled) and to the seller (a new order; admins for the site's own items), wallet updates for
 * everyone whose balance moved, and the order's new status for its pages. Written to the outbox in the change's
 * own transaction, so they are sent exactly when the change stands.
 */

export interface OrderChange {
  orderId: string;
  /** `held`: a card checkout started (the wallet part moved to held); `paid`: fully paid, now or by card. */
  event: "held" | "paid" | "shipped" | "delivered" | "refunded" | "cancelled";
}

interface OrderFacts {
  id: string;
  status: string;
  kind: "PHYSICAL" | "DIGITAL";
  title: string;
  quantity: number;
  total: bigint;
  walletPart: bigint;
  /** "your wallet" for Credits, "your Bonus wallet" for another: where the wallet part came from and goes back to. */
  yourWallet: string;
  cardPart: bigint;
  cardAmountMinor: bigint;
  currency: string | null;
  shippingAddress: ShippingAddress | null;
  trackingNote: string | null;
  buyer: { id: string; email: string; name: string };
  seller: { id: string; name: string } | null;
  /** Who hears about new orders: the performer, or every admin for a site item. */
  sellerEmails: string[];
}

async function orderFacts(db: Queryable, orderId: string): Promise<OrderFacts | null> {
  const row = await selectOrderFacts(db, orderId);
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    kind: row.kind,
    title: row.title,
    quantity: row.quantity,
    total: BigInt(row.total),
    walletPart: BigInt(row.wallet_part),
    yourWallet: row.wallet_type_id === CREDITS_WALLET ? "your wallet" : `your ${row.wallet_name} wallet`,
    cardPart: BigInt(row.card_part),
    cardAmountMinor: BigInt(row.card_amount_minor),
    currency: row.currency,
    shippingAddress: row.shipping_address,
    trackingNote: row.tracking_note,
    buyer: { id: row.buyer_id, email: row.buyer_email, name: row.buyer_name },
    seller: row.seller_id ? { id: row.seller_id, name: row.seller_name ?? "the seller" } : null,
    sellerEmails: row.seller_emails.filter(Boolean),
  };
}

/** The shared layout, with the link on the app's URL. */
function email(to: string, subject: string, paragraphs: string[], link: { label: string; path: string }): OutgoingEmail {
  return renderEmail({ to, subject, paragraphs, link: appLink(env.APP_URL, link.label, link.path) });
}

function itemLine(order: OrderFacts): string {
  return `"${order.title}"${order.quantity > 1 ? ` × ${order.quantity}` : ""}`;
}

function paymentLines(order: OrderFacts): string {
  const lines = [`Total: ${credits(order.total)}`];
  if (order.walletPart > 0n) lines.push(`From ${order.yourWallet}: ${credits(order.walletPart)}`);
  if (order.cardPart > 0n && order.currency) {
    lines.push(`By card: ${formatMinor(order.cardAmountMinor, order.currency)} (${credits(order.cardPart)})`);
  }
  return lines.join("\n");
}

const orderLink = (order: OrderFacts) => ({ label: "Your order", path: `/orders/${order.id}` });

function receiptEmail(order: OrderFacts): OutgoingEmail {
  const from = order.seller ? ` from ${order.seller.name}` : "";
  const next =
    order.kind === "DIGITAL"
      ? "Your download is ready on the order page."
      : `We'll email you when it ships. Shipping to:\n${order.shippingAddress ? addressLines(order.shippingAddress).join("\n") : "(no address)"}`;
  return email(order.buyer.email, `Receipt: ${order.title}`, [`Hi ${order.buyer.name},`, `Thank you for your order of ${itemLine(order)}${from}.`, paymentLines(order), next], orderLink(order));
}

function newOrderEmail(order: OrderFacts, to: string): OutgoingEmail {
  const shipping =
    order.kind === "PHYSICAL" && order.shippingAddress
      ? `Ship to:\n${addressLines(order.shippingAddress).join("\n")}`
      : "It is a digital item: the buyer can download it already.";
  return email(
    to,
    `New order: ${order.title}`,
    [`${order.buyer.name} ordered ${itemLine(order)} for ${credits(order.total)}.`, shipping],
    { label: "Manage your orders", path: order.seller ? "/performer/orders" : "/admin/orders" },
  );
}

function statusEmail(order: OrderFacts, event: "shipped" | "delivered" | "refunded" | "cancelled"): OutgoingEmail {
  const greeting = `Hi ${order.buyer.name},`;
  switch (event) {
    case "shipped":
      return email(
        order.buyer.email,
        `Shipped: ${order.title}`,
        [greeting, `Your order of ${itemLine(order)} is on its way.`, ...(order.trackingNote ? [`Tracking: ${order.trackingNote}`] : [])],
        orderLink(order),
      );
    case "delivered":
      return email(order.buyer.email, `Delivered: ${order.title}`, [greeting, `Your order of ${itemLine(order)} was delivered. Enjoy!`], orderLink(order));
    case "refunded": {
      const back = [
        order.walletPart > 0n ? `${credits(order.walletPart)} are back in ${order.yourWallet}.` : null,
        order.cardPart > 0n && order.currency ? `${formatMinor(order.cardAmountMinor, order.currency)} is refunded to your card.` : null,
      ].filter((line): line is string => line !== null);
      return email(order.buyer.email, `Refunded: ${order.title}`, [greeting, `Your order of ${itemLine(order)} was refunded.`, back.join(" ")], orderLink(order));
    }
    case "cancelled":
      return email(
        order.buyer.email,
        `Order cancelled: ${order.title}`,
        [
          greeting,
          `Your order of ${itemLine(order)} was cancelled before the card payment completed, so nothing was charged to your card.`,
          ...(order.walletPart > 0n ? [`The ${credits(order.walletPart)} set aside from ${order.yourWallet} are available again.`] : []),
        ],
        orderLink(order),
      );
  }
}

/** Call inside the transaction that made the change. Each message is keyed by the order and the event, which happen once. */
export async function announceOrderChange(db: Queryable, change: OrderChange | null): Promise<void> {
  if (!change) return;
  const order = await orderFacts(db, change.orderId);
  if (!order) return;
  await enqueue(db, orderChangeMessages(order, change.event));
}

/**
 * What the outbox message of an order paid in one statement stands for (wholly from the wallet, checkout.ts, or
 * its card part by a paid checkout, card-events.ts), as the relay delivers it: the messages announceOrderChange writes for a payment, with
 * the same keys and content, read from the order at delivery. The status they carry is the one the payment
 * gave it, which is what a transaction announcing it would have read, even if the order has moved on since. Null
 * for an order that does not exist.
 */
export async function orderPaidAnnouncements(db: Queryable, orderId: string): Promise<OutboxMessage[] | null> {
  const order = await orderFacts(db, orderId);
  if (!order) return null;
  return orderChangeMessages({ ...order, status: statusAfterPayment(order.kind) }, "paid");
}

function orderChangeMessages(order: OrderFacts, event: OrderChange["event"]): OutboxMessage[] {
  const about = `store-order:${order.id}:${event}`;
  const messages: OutboxMessage[] = [{ key: `${about}:wallet:${order.buyer.id}`, kind: "wallet-update", userId: order.buyer.id }];
  if (order.seller && (event === "paid" || event === "refunded")) {
    messages.push({ key: `${about}:wallet:${order.seller.id}`, kind: "wallet-update", userId: order.seller.id });
  }
  if (event === "paid") {
    messages.push({ key: `${about}:receipt`, kind: "email", email: receiptEmail(order) });
    for (const to of order.sellerEmails) messages.push({ key: `${about}:new-order:${to}`, kind: "email", email: newOrderEmail(order, to) });
  } else if (event !== "held") {
    messages.push({ key: `${about}:status-email`, kind: "email", email: statusEmail(order, event) });
  }
  const parties = order.seller ? [order.buyer.id, order.seller.id] : [order.buyer.id];
  messages.push(realtimeEvent(`${about}:status`, [...parties.map(userChannel), ADMINS_CHANNEL], "order.updated", { id: order.id, status: order.status }));
  return messages;
}
