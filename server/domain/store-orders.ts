import type { Role, StoreItemKind, StoreOrderStatus } from "@/server/generated/prisma/enums";
import { DomainError } from "./errors";

/**
 * The life of a store order. An order paid wholly from the wallet starts paid; one with a card part waits for the
 * card (AWAITING_PAYMENT) and then either completes or is cancelled. A physical order is shipped and delivered by
 * whoever sells it; a digital one is delivered the moment it is paid (the download opens). Any paid order can be
 * refunded by its seller or an admin.
 */

/**
 * Who acts on an order: its buyer; its seller (the performer, or any admin for an item the site sells); an admin
 * overseeing a performer's order; the card payment itself (Stripe's webhooks).
 */
export type OrderActor = "BUYER" | "SELLER" | "ADMIN" | "PAYMENT";

interface TransitionRule {
  from: StoreOrderStatus;
  to: StoreOrderStatus;
  actors: readonly OrderActor[];
  kinds: readonly StoreItemKind[];
}

const ANY_KIND: readonly StoreItemKind[] = ["PHYSICAL", "DIGITAL"];
/** The card payment refunds an order when its card part is refunded in full at Stripe (the dashboard, say). */
const REFUNDERS: readonly OrderActor[] = ["SELLER", "ADMIN", "PAYMENT"];

const RULES: readonly TransitionRule[] = [
  { from: "AWAITING_PAYMENT", to: "PAID", actors: ["PAYMENT"], kinds: ["PHYSICAL"] },
  { from: "AWAITING_PAYMENT", to: "DELIVERED", actors: ["PAYMENT"], kinds: ["DIGITAL"] },
  { from: "AWAITING_PAYMENT", to: "CANCELLED", actors: ["BUYER", "PAYMENT"], kinds: ANY_KIND },
  { from: "PAID", to: "SHIPPED", actors: ["SELLER"], kinds: ["PHYSICAL"] },
  { from: "SHIPPED", to: "DELIVERED", actors: ["SELLER"], kinds: ["PHYSICAL"] },
  { from: "PAID", to: "REFUNDED", actors: REFUNDERS, kinds: ANY_KIND },
  { from: "SHIPPED", to: "REFUNDED", actors: REFUNDERS, kinds: ANY_KIND },
  { from: "DELIVERED", to: "REFUNDED", actors: REFUNDERS, kinds: ANY_KIND },
];

const ORDER_STATUS_LABELS: Record<StoreOrderStatus, string> = {
  AWAITING_PAYMENT: "awaiting card payment",
  PAID: "paid",
  SHIPPED: "shipped",
  DELIVERED: "delivered",
  REFUNDED: "refunded",
  CANCELLED: "cancelled",
};

/** Where an order goes once fully paid: a physical one waits to be shipped, a digital one is delivered at once. */
export function statusAfterPayment(kind: StoreItemKind): StoreOrderStatus {
  return kind === "DIGITAL" ? "DELIVERED" : "PAID";
}

/** Every role `user` plays on an order; empty when the order is none of their business. */
export function orderActorsFor(
  user: { id: string; role: Role },
  order: { buyerId: string; sellerId: string | null },
): OrderActor[] {
  const actors: OrderActor[] = [];
  if (order.buyerId === user.id) actors.push("BUYER");
  if (order.sellerId === user.id || (order.sellerId === null && user.role === "ADMIN")) actors.push("SELLER");
  else if (user.role === "ADMIN") actors.push("ADMIN");
  return actors;
}

/** The statuses `actors` may move an order of `kind` to from `from`. */
export function nextStatuses(from: StoreOrderStatus, kind: StoreItemKind, actors: readonly OrderActor[]): StoreOrderStatus[] {
  return RULES.filter((rule) => rule.from === from && rule.kinds.includes(kind) && rule.actors.some((actor) => actors.includes(actor))).map(
    (rule) => rule.to,
  );
}

/** Refuses a move the rules don't allow, saying whether the move or the actor is the problem. */
export function assertTransition(from: StoreOrderStatus, to: StoreOrderStatus, kind: StoreItemKind, actors: readonly OrderActor[]): void {
  if (actors.length === 0) throw new DomainError("NOT_FOUND", "That order does not exist.");
  const rule = RULES.find((candidate) => candidate.from === from && candidate.to === to && candidate.kinds.includes(kind));
  if (!rule) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      from === to
        ? `This order is already ${ORDER_STATUS_LABELS[to]}.`
        : `An order that is ${ORDER_STATUS_LABELS[from]} cannot be marked ${ORDER_STATUS_LABELS[to]}.`,
    );
  }
  if (!rule.actors.some((actor) => actors.includes(actor))) {
    throw new DomainError("FORBIDDEN", `You cannot mark this order ${ORDER_STATUS_LABELS[to]}.`);
  }
}

/** A digital item's file is the buyer's once the order is paid, until it is refunded. */
export function canDownload(status: StoreOrderStatus): boolean {
  return status === "PAID" || status === "SHIPPED" || status === "DELIVERED";
}

/**
 * How many orders a buyer may have waiting for a card payment at once. Each one keeps stock off the shelf and
 * credits held until it is paid or given up, so an unbounded number would let one buyer reserve a whole stock.
 */
export const MAX_OPEN_CARD_ORDERS = 3;

/** Why the buyer can't start another card checkout, or null when they can. */
export function openCardOrdersRefusal(openOrders: number): string | null {
  if (openOrders < MAX_OPEN_CARD_ORDERS) return null;
  return `You already have ${openOrders} orders waiting for a card payment. Pay or cancel one of them first.`;
}

/** What the card side of an order says once its checkout was expired or read back: see `overdueOrderAction`. */
export type CardState = "paid" | "failed" | "pending" | "no-session";

/**
 * What the sweeper does with an order still waiting for its card after the checkout's lifetime. A payment that
 * went through wins (the order completes, as its webhook would have done); one still being processed is left to
 * its webhook; otherwise the stock and the held credits go back. An order that never got a session is released:
 * should a session it lost track of be paid after all, the webhook refunds that payment.
 */
export function overdueOrderAction(card: CardState): "complete" | "release" | "wait" {
  switch (card) {
    case "paid":
      return "complete";
    case "pending":
      return "wait";
    case "failed":
    case "no-session":
      return "release";
  }
}
